import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContractServer, startContractServer } from './contract-server.ts';
import { MAX_EXAMPLES, SEED, schemathesis } from './schemathesis.ts';

// The API keeps the word of its OpenAPI document, as a third-party fuzzer
// reads it: Schemathesis runs every check (statuses, bodies, content types,
// headers, valid data accepted and invalid data refused, unsupported methods,
// auth) over every operation, stateful links included, against the whole
// service with auth on and a team's token. Zero failures.

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('the contract (Schemathesis)', () => {
  it(`holds for ${MAX_EXAMPLES} test cases per operation, all checks, 0 failures`, async () => {
    const run = await schemathesis([
      `${server.url}/docs/json`,
      '--checks',
      'all',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '1',
      '--header',
      `Authorization: Bearer ${server.token}`,
    ]);
    console.log(`schemathesis: ${run.summary}`);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.summary).toMatch(/^(\d+) generated, \1 passed/);
  }, 300_000);

  it('fails when the document leaves out a status the API answers', async () => {
    const spec = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const getDeployment = spec.paths['/v1/deployments/{id}']!.get!;
    // 400 rather than 404: ids the fuzzer has seen in answers (a list of deployments) make a 404 a matter of chance; a malformed id is always a 400.
    expect(getDeployment.responses['400']).toBeDefined();
    delete getDeployment.responses['400'];
    const file = join(server.fleet.dir, 'openapi-without-400.json');
    writeFileSync(file, JSON.stringify(spec));
    try {
      const run = await schemathesis([
        file,
        '--url',
        server.url,
        '--include-path',
        '/v1/deployments/{id}',
        '--checks',
        'status_code_conformance',
        '--max-examples',
        '10',
        '--seed',
        String(SEED),
        '--header',
        `Authorization: Bearer ${server.token}`,
      ]);
      expect(run.exitCode, run.output).toBe(1);
      expect(run.output).toContain('Undocumented status code');
      expect(run.output).toMatch(/Received: 400\s+Documented: 200, 401, 403, 404, 500/);
    } finally {
      rmSync(file, { force: true });
    }
  }, 120_000);
});
