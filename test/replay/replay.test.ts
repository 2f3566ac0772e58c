import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture, replayWorkflows } from '../../src/replay.ts';
import { workflowBundle } from '../support/temporal.ts';

// Recorded deploy histories (successful, failed and rolled back,
// quarantined, cancelled…) replayed against the current workflow code on
// every run: a change that would break deploys in flight fails CI here.
// Record new ones with VESEMIR_RECORD_HISTORIES=test/replay/fixtures.

const fixturesDir = new URL('./fixtures/', import.meta.url).pathname;
const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('replay of recorded deploy histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures)('%s replays OK on the current workflow code', async (file) => {
    const workflows = loadFixture(readFileSync(join(fixturesDir, file), 'utf8'));
    expect(workflows.length).toBeGreaterThan(1);
    const reports = await replayWorkflows(workflows, { workflowBundle: await workflowBundle() });
    expect(reports.filter((r) => !r.ok)).toEqual([]);
    expect(reports).toHaveLength(workflows.length);
  });

  it('reports a determinism error after an incompatible change to the workflow code', async () => {
    // A copy of src/ where each host calls one more activity before staging.
    // Inside the project, so that the copy resolves the project's node_modules.
    const dataDir = new URL('../../.data/', import.meta.url).pathname;
    mkdirSync(dataDir, { recursive: true });
    const dir = mkdtempSync(join(dataDir, 'replay-'));
    tempDirs.push(dir);
    cpSync(new URL('../../src/', import.meta.url).pathname, join(dir, 'src'), { recursive: true });
    const hostFile = join(dir, 'src/workflows/deploy-host.ts');
    const source = readFileSync(hostFile, 'utf8');
    const marker = '  let pruning: Promise<unknown> | undefined;';
    expect(source).toContain(marker);
    writeFileSync(hostFile, source.replace(marker, `  await ssh.pruneReleases({ ...s.base, previousVersion: undefined });\n${marker}`));
    const changed = await bundleWorkflowCode({ workflowsPath: join(dir, 'src/workflows/index.ts'), logger: silent });

    const workflows = loadFixture(readFileSync(join(fixturesDir, 'baseline-succeeded.json'), 'utf8'));
    const reports = await replayWorkflows(workflows, { workflowBundle: changed });
    const broken = reports.filter((r) => !r.ok);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]!.workflowId).toMatch(/\/host\//);
    expect(broken[0]!.error).toMatch(/DeterminismViolation|Nondeterminism/i);
  });
});
