import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../src/adapters/store/db.ts';
import { SqlDeploymentStore } from '../../src/adapters/store/deployment-store.ts';
import { SqlVmStore } from '../../src/adapters/store/vm-store.ts';
import { buildApp, linkBuilder } from '../../src/api/app.ts';
import { DeploymentService, type DeployTurns } from '../../src/api/deployment-service.ts';
import { httpAnswer } from '../../src/api/errors.ts';
import type { VmRequestService } from '../../src/api/vm-request-service.ts';
import { vmLinkBuilder } from '../../src/api/vms-routes.ts';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts';
import { ERROR_TYPES, RUNBOOK_PATH, VesemirError } from '../../src/domain/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { run } from '../cli/support/harness.ts';
import { fakeDeployRequest } from '../support/fake-activities.ts';
import { anchorsOf, headings } from '../support/markdown.ts';

// docs/runbook.md has a section for every error type, read from the table at
// run time, so a type added without one fails here; every `docs` link the API
// answers lands on a heading of it, and the CLI prints the link.

const root = fileURLToPath(new URL('../..', import.meta.url));
const runbook = readFileSync(join(root, RUNBOOK_PATH), 'utf8');

/** The outcomes an on-call meets that are no single type (alerts link them too). */
const OUTCOMES = ['host-quarantined', 'drain-timeout', 'lb-box-unreachable', 'lock-held', 'vm-failed', 'codec-key-missing', 'worker-not-polling'];
/** Error words the API answers outside the table: schema validation and auth. */
const API_WORDS = ['BadRequest', 'Unauthorized'];

const anchors = anchorsOf(runbook);
const sections = headings(runbook)
  .filter(([level]) => level === 3)
  .map(([, text]) => text);
const fragmentOf = (link: unknown, base: string) => {
  expect(String(link).startsWith(`${base}#`), String(link)).toBe(true);
  return String(link).slice(base.length + 1);
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('docs/runbook.md', () => {
  it('has a `### <Type>` section for every type in ERROR_TYPES', () => {
    expect(ERROR_TYPES.length).toBeGreaterThan(40);
    expect(ERROR_TYPES.filter((type) => !sections.includes(type))).toEqual([]);
  });

  it('has a section for each outcome an on-call meets that is no single type, the quarantine first', () => {
    expect(OUTCOMES.filter((a) => !anchors.has(a))).toEqual([]);
    expect(sections[0]).toBe('Host quarantined');
  });

  it('keeps no section of a type that is gone, and no heading twice', () => {
    const typeLike = sections.filter((s) => /^[A-Z][A-Za-z]+$/.test(s));
    expect(typeLike.filter((s) => !(ERROR_TYPES as readonly string[]).includes(s) && !API_WORDS.includes(s))).toEqual([]);
    expect(new Set(sections).size).toBe(sections.length);
  });

  it('links only to anchors it has', () => {
    const links = [...runbook.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });

  it('covers every type thrown in src by its string: each one is in the table', () => {
    const src = join(root, 'src');
    const literal = /ApplicationFailure\.(?:nonRetryable|retryable)\((?:'[^']*'|`[^`]*`|[^,()]+),\s*'(\w+)'/g;
    const thrown = sourceFiles(src).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(literal)].map((m) => ({ file: relative(src, file), type: m[1]! })),
    );
    expect(thrown.map((t) => t.type)).toContain('NoPreviousRelease');
    expect(thrown.filter((t) => !(ERROR_TYPES as readonly string[]).includes(t.type))).toEqual([]);
  });
});

describe('the docs link of every API error', () => {
  const base = 'https://runbook.example/vesemir.md';

  it('is the section of its type, for every type in the table and for a 500', () => {
    for (const type of ERROR_TYPES) {
      const { status, body } = httpAnswer(new VesemirError(type, `a ${type}`), base);
      // A 500 never names the type it hides: it links the section that says where to look.
      const expected = status === 500 ? 'internalerror' : type.toLowerCase();
      expect(fragmentOf(body.docs, base), type).toBe(expected);
      expect(anchors.has(expected), type).toBe(true);
    }
    expect(fragmentOf(httpAnswer(new Error('boom'), base).body.docs, base)).toBe('internalerror');
  });

  it('points into the repository runbook unless VESEMIR_DOCS_URL says otherwise', () => {
    expect(existsSync(join(root, RUNBOOK_PATH))).toBe(true);
    expect(CONFIG_VARIABLES).toContain('VESEMIR_DOCS_URL');
    expect(loadConfig({}).VESEMIR_DOCS_URL).toBe(RUNBOOK_PATH);
    expect(loadConfig({ VESEMIR_DOCS_URL: base }).VESEMIR_DOCS_URL).toBe(base);
    expect(httpAnswer(new VesemirError('NotFound', 'x')).body.docs).toBe(`${RUNBOOK_PATH}#notfound`);
    expect(readFileSync(join(root, 'docs/configuration.md'), 'utf8')).toMatch(/^\| `VESEMIR_DOCS_URL` \| `docs\/runbook\.md` \|/m);
  });
});

describe('a real API and the CLI', () => {
  const base = 'https://runbook.example/vesemir.md';
  let db: Db;
  let api: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    db = await openDb();
    const store = new SqlDeploymentStore(db);
    // Temporal is never reached: each request below is refused before a workflow starts.
    const deployments = new DeploymentService({
      store,
      client: {} as Client,
      taskQueue: 'vesemir',
      applications: new Map(),
      turns: {} as DeployTurns,
    });
    api = await buildApp({
      logger: createLogger('silent'),
      store,
      deployments,
      links: linkBuilder('http://api', 'http://ui', 'default'),
      vms: { service: {} as VmRequestService, store: new SqlVmStore(db), links: vmLinkBuilder('http://api', 'http://ui', 'default') },
      docsUrl: base,
    });
    await api.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it('answers refusals with docs links that resolve to sections', async () => {
    const answers = [
      await fetch(`${url}/v1/deployments/d-0123456789abcdef`),
      await fetch(`${url}/v1/vms/shop-production-java-ubuntu-2204-001`),
      await fetch(`${url}/v1/deployments?dryRun=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fakeDeployRequest({ concurrency: 1 })),
      }),
    ];
    const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, ...((await r.json()) as { error: string; docs: string }) })));
    expect(bodies.map((b) => [b.status, b.error])).toEqual([
      [404, 'NotFound'],
      [404, 'NotFound'],
      [422, 'UnknownApplication'],
    ]);
    for (const b of bodies) expect(anchors.has(fragmentOf(b.docs, base)), b.docs).toBe(true);
  });

  it('the CLI prints the link under the error', async () => {
    const { code, stderr } = await run(['status', 'd-0123456789abcdef', '--api', url]);
    expect(code).toBe(2);
    expect(stderr).toContain('error: deployment d-0123456789abcdef not found (NotFound, HTTP 404)');
    expect(stderr).toContain(`  docs: ${base}#notfound\n`);
  });
});
