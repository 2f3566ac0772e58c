import { describe, expect, it } from 'vitest';
import { recycleLines } from '../../src/cli/commands/fleet.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { createStyle } from '../../src/cli/style.ts';
import type { Recycle } from '../../src/client/index.ts';

const recycle: Recycle = {
  id: 'fr-0123abcd',
  application: 'shop',
  environment: 'production',
  team: 'payments',
  requestedBy: 'payments-ci',
  status: 'FAILED',
  fromOsVersion: 'ubuntu-20.04',
  toOsVersion: 'ubuntu-22.04',
  batchSize: 2,
  maxFailedBatches: 0,
  release: 'v2',
  batches: [
    {
      index: 1,
      status: 'FAILED',
      error: 'batch 1: new-1 failed health',
      old: [{ name: 'old-1', status: 'KEPT', error: null }],
      new: [{ name: 'new-1', status: 'FAILED', error: 'new-1 failed health' }],
    },
    { index: 2, status: 'SKIPPED', error: 'failure budget spent', old: [{ name: 'old-2', status: 'KEPT', error: null }], new: [] },
  ],
  counts: { before: { 'ubuntu-20.04': 2 }, after: { 'ubuntu-20.04': 2 } },
  error: 'batch 1: new-1 failed health',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:01:00.000Z',
  finishedAt: '2026-12-01T00:01:00.000Z',
  links: { self: 'http://api/v1/fleet-recycles/fr-0123abcd', temporalUi: 'http://ui/wf', deployment: 'http://api/v1/deployments/d-0123abcd' },
};

describe('vesemir fleet', () => {
  it('prints a recycle: status, OS move, release, counts per OS, each batch and its VMs, the error', () => {
    expect(recycleLines(recycle, createStyle(false))).toEqual([
      'fr-0123abcd  FAILED  shop/production  ubuntu-20.04 → ubuntu-22.04  release v2',
      '  READY per OS before: ubuntu-20.04: 2; after: ubuntu-20.04: 2',
      '  batch 1  FAILED  batch 1: new-1 failed health',
      '    old old-1  KEPT',
      '    new new-1  FAILED  new-1 failed health',
      '  batch 2  SKIPPED  failure budget spent',
      '    old old-2  KEPT',
      '  error: batch 1: new-1 failed health',
      '  http://ui/wf',
    ]);
  });

  it('has recycle, status, pause, resume and cancel', () => {
    const io = { write: () => true };
    const program = buildProgram({ stdout: io, stderr: io, env: {} } as never, () => undefined);
    const fleet = program.commands.find((c) => c.name() === 'fleet')!;
    expect(fleet.commands.map((c) => c.name())).toEqual(['recycle', 'status', 'pause', 'resume', 'cancel']);
    expect(fleet.commands[0]!.options.map((o) => o.long)).toEqual([
      '--application',
      '--environment',
      '--from-os-version',
      '--to-os-version',
      '--stack',
      '--batch-size',
      '--current-release',
      '--max-failed-batches',
      '--wait',
    ]);
  });
});
