import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployOutcome, RollbackInput } from '../../src/domain/deploy-types.ts';
import { deployWorkflowId } from '../../src/workflows/definitions.ts';
import { type FakeWorld, fakeActivities, fakeDeployRequest, newWorld } from '../support/fake-activities.ts';
import { recordDeploy } from '../support/record-fixture.ts';
import { type TemporalHarness, temporalHarness } from '../support/temporal.ts';

// A rollback of a finished deploy is a run of the deploy workflow with
// `rollbackOf`: the original's hosts back to their kept release, no Chef
// search, no artifact, no stage.

let t: TemporalHarness;
beforeAll(async () => {
  t = await temporalHarness();
});
afterAll(async () => {
  await t?.close();
});

async function runRollback(world: FakeWorld, rollbackOf: RollbackInput, fixture?: string): Promise<DeployOutcome> {
  const fakes = fakeActivities(t.client, t.taskQueue, world);
  const { stop } = await t.startWorker({
    ...fakes,
    // A rollback downloads nothing and searches nothing: either call fails the test.
    verifyArtifact: async () => {
      world.calls.push('verifyArtifact');
      throw new Error('a rollback must not fetch the artifact');
    },
    discover: async () => {
      world.calls.push('discover');
      throw new Error('a rollback must not search Chef');
    },
  });
  try {
    const id = `d-${randomUUID()}`;
    const handle = await t.client.workflow.start('deploy', {
      workflowId: deployWorkflowId(id),
      taskQueue: t.taskQueue,
      args: [{ deploymentId: id, request: fakeDeployRequest({ version: 'v1', concurrency: 1 }), rollbackOf }],
    });
    const outcome = (await handle.result()) as DeployOutcome;
    if (fixture) await recordDeploy(t.client, id, fixture);
    return outcome;
  } finally {
    await stop();
  }
}

function onV2(hostCount: number): { world: FakeWorld; rollbackOf: RollbackInput } {
  const world = newWorld(hostCount);
  for (const h of world.hosts) world.current.set(h.name, 'v2');
  const rollbackOf = {
    deploymentId: 'd-original',
    targets: world.hosts.map((host) => ({ host, version: 'v1' })),
    loadBalancers: world.loadBalancers,
    backend: 'shop',
  };
  return { world, rollbackOf };
}

describe('deploy workflow in rollback mode', () => {
  it("takes the original's hosts back to their kept release through drain → activate → restart → health → enable, without stage", async () => {
    const { world, rollbackOf } = onV2(3);
    const outcome = await runRollback(world, rollbackOf, 'rolled-back-finished');
    expect(outcome.status).toBe('SUCCEEDED');
    expect(world.calls).not.toContain('verifyArtifact');
    expect(world.calls).not.toContain('discover');
    expect(world.calls[0]).toBe('checkKeptReleases');
    for (const host of world.hosts) {
      expect(world.calls.filter((c) => c.startsWith(`${host.name}:`))).toEqual(
        ['inspect', 'drain', 'activate', 'restart', 'health', 'enable', 'full'].map((s) => `${host.name}:${s}`),
      );
      expect(world.current.get(host.name)).toBe('v1');
    }
    // What the hosts ran before the rollback: what rolling the rollback back would return to.
    expect(outcome.hosts.map((h) => [h.name, h.status, h.previousVersion])).toEqual(world.hosts.map((h) => [h.name, 'DONE', 'v2']));
    // Kept for a retry run of the rollback.
    expect(outcome.rollbackOf).toEqual(rollbackOf);
    expect(world.drained.size).toBe(0);
  });

  it('fails before touching any host when a release is no longer kept', async () => {
    const { world, rollbackOf } = onV2(2);
    world.failing.add('vm2:kept');
    const outcome = await runRollback(world, rollbackOf);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain('no longer kept on vm2');
    expect(world.calls).toEqual(['checkKeptReleases']);
    expect([...world.current.values()]).toEqual(['v2', 'v2']);
  });

  it('rolls a host that fails its health check back to the release it had (v2), within the budget', async () => {
    const { world, rollbackOf } = onV2(2);
    world.failing.add('vm1:health');
    const outcome = await runRollback(world, rollbackOf);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.hosts).toEqual([expect.objectContaining({ name: 'vm1', status: 'ROLLED_BACK', failedStep: 'health' })]);
    expect(world.current.get('vm1')).toBe('v2');
    expect(world.calls.some((c) => c.startsWith('vm2:'))).toBe(false);
    expect(world.drained.size).toBe(0);
  });
});
