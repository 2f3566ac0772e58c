import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployRequest } from '../../src/domain/deploy-request.ts';
import { approveUpdate, progressQuery, retryUpdate } from '../../src/workflows/definitions.ts';
import { type FakeWorld, fakeDeployRequest, newWorld, runFakeDeploy } from '../support/fake-activities.ts';
import { type TemporalHarness, temporalHarness } from '../support/temporal.ts';

// Hosts an operator had taken out of rotation before the deploy: the
// workflow's side, on the real Temporal dev server with fake activities.

let t: TemporalHarness;
beforeAll(async () => {
  t = await temporalHarness();
});
afterAll(async () => {
  await t?.close();
});

const request = (overrides: Record<string, unknown> = {}) => fakeDeployRequest({ concurrency: 1, ...overrides });

const run = async (world: FakeWorld, req: DeployRequest, during?: (handle: WorkflowHandle) => Promise<void>, fixture?: string) =>
  (await runFakeDeploy(t, world, req, { ...(during ? { during } : {}), ...(fixture ? { fixture } : {}) })).outcome;

async function waitForApproval(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; (await handle.query(progressQuery)).status !== 'WAITING_APPROVAL'; i++) {
    if (i > 200) throw new Error('the deploy never waited for approval');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const callsOf = (world: FakeWorld, host: string) => world.calls.filter((c) => c.startsWith(`${host}:`)).map((c) => c.slice(host.length + 1));
const DEPLOY_STEPS = ['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full'];

describe('hosts in maintenance before the deploy', () => {
  it('are SKIPPED untouched with the reason, and neither spend the budget nor fail the deploy', async () => {
    const world = newWorld(3);
    world.maintenance.add('vm2');
    const outcome = await run(world, request({ maxFailedHosts: 0 }));
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.hosts.find((h) => h.name === 'vm2')).toMatchObject({ status: 'SKIPPED', error: 'in maintenance before the deploy' });
    expect(outcome.hosts.find((h) => h.name === 'vm2')?.lbFound).toEqual([{ lb: 'lb1', admin: 'maint', weight: 100, initialWeight: 100 }]);
    expect(callsOf(world, 'vm2')).toEqual(['inspect']);
    expect(world.current.get('vm2')).toBe('v1');
    expect(world.hostStatus.get('vm2')).toBe('SKIPPED');
    for (const host of ['vm1', 'vm3']) expect(callsOf(world, host)).toEqual(DEPLOY_STEPS);
  });

  it('get the release without any HAProxy change with includeHostsInMaintenance', async () => {
    const world = newWorld(2);
    world.maintenance.add('vm2');
    const outcome = await run(world, request({ includeHostsInMaintenance: true }));
    expect(outcome.status).toBe('SUCCEEDED');
    expect(callsOf(world, 'vm2')).toEqual(['inspect', 'stage', 'activate', 'restart', 'health']);
    expect(world.current.get('vm2')).toBe('v2');
    expect(outcome.hosts.map((h) => h.status)).toEqual(['DONE', 'DONE']);
  });

  it('are rolled back without HAProxy changes; the others get their found state back', async () => {
    const world = newWorld(3);
    world.maintenance.add('vm1');
    world.failing.add('vm3:health');
    const outcome = await run(world, request({ includeHostsInMaintenance: true, autoRollback: true }));
    expect(outcome.status).toBe('FAILED');
    expect(callsOf(world, 'vm1').filter((c) => c.startsWith('rollback-'))).toEqual(['rollback-activate', 'rollback-restart', 'rollback-health']);
    expect(callsOf(world, 'vm2').filter((c) => c.startsWith('rollback-'))).toEqual([
      'rollback-drain',
      'rollback-activate',
      'rollback-restart',
      'rollback-health',
      'rollback-enable',
    ]);
    expect(callsOf(world, 'vm3').slice(-4)).toEqual(['rollback-activate', 'rollback-restart', 'rollback-health', 'rollback-enable']);
    expect([...world.current.values()]).toEqual(['v1', 'v1', 'v1']);
  });

  it('do not include a host this deploy left drained: a retried QUARANTINED host is deployed again', async () => {
    const world = newWorld(2);
    world.failing.add('vm1:health');
    world.failing.add('vm1:rollback-health');
    const outcome = await run(
      world,
      request({ maxFailedHosts: 1, canary: { hosts: 1, requireApproval: true } }),
      async (handle) => {
        await waitForApproval(handle);
        expect(world.drained.has('vm1')).toBe(true);
        world.failing.clear();
        await handle.executeUpdate(retryUpdate);
        for (let i = 0; (await handle.query(progressQuery)).hosts[0]?.status !== 'DONE'; i++) {
          if (i > 200) throw new Error('the retried host never finished');
          await new Promise((r) => setTimeout(r, 50));
        }
        await handle.executeUpdate(approveUpdate);
      },
      'retried',
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.hosts.find((h) => h.name === 'vm1')).toMatchObject({ status: 'DONE', round: 2 });
    expect(callsOf(world, 'vm1').slice(-8)).toEqual(DEPLOY_STEPS);
  });

  it('are not picked up by the retry control', async () => {
    const world = newWorld(2);
    world.maintenance.add('vm1');
    const outcome = await run(world, request({ canary: { hosts: 1, requireApproval: true } }), async (handle) => {
      await waitForApproval(handle);
      await expect(handle.executeUpdate(retryUpdate)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/has no failed host to retry/) } });
      await handle.executeUpdate(approveUpdate);
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.hosts.map((h) => [h.name, h.status])).toEqual([
      ['vm1', 'SKIPPED'],
      ['vm2', 'DONE'],
    ]);
  });
});
