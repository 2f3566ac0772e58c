import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture, replayWorkflows } from '../../src/replay.ts';
import { bundleWithExtraHostStep } from '../support/changed-bundle.ts';
import { workflowBundle } from '../support/temporal.ts';

// Recorded deploy histories (successful, failed and rolled back,
// quarantined, cancelled…) replayed against the current workflow code on
// every run: a change that would break deploys in flight fails CI here.
// Re-record them with VESEMIR_RECORD_HISTORIES=test/replay/fixtures npx vitest run test/workflows.

const fixturesDir = new URL('./fixtures/', import.meta.url).pathname;
const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

describe('replay of recorded deploy histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures)('%s replays OK on the current workflow code', async (file) => {
    const workflows = loadFixture(readFileSync(join(fixturesDir, file), 'utf8'));
    expect(workflows.length).toBeGreaterThanOrEqual(1);
    const reports = await replayWorkflows(workflows, { workflowBundle: await workflowBundle() });
    expect(reports.filter((r) => !r.ok)).toEqual([]);
    expect(reports).toHaveLength(workflows.length);
  });

  it('reports a determinism error after an incompatible change to the workflow code', async () => {
    const { bundle: changed, cleanup } = await bundleWithExtraHostStep();
    cleanups.push(cleanup);

    const workflows = loadFixture(readFileSync(join(fixturesDir, 'baseline-succeeded.json'), 'utf8'));
    const reports = await replayWorkflows(workflows, { workflowBundle: changed });
    const broken = reports.filter((r) => !r.ok);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]!.workflowId).toMatch(/\/host\//);
    expect(broken[0]!.error).toMatch(/DeterminismViolation|Nondeterminism/i);
  });
});
