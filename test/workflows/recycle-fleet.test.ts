import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OldVm, RecycleProgress } from '../../src/domain/fleet-recycle.ts';
import { temporalTestServerPath } from '../../src/temporal/binaries.ts';
import type { RecycleFleetInput } from '../../src/workflows/recycle-fleet.ts';
import { workflowBundle } from '../support/temporal.ts';

// recycleFleet's batches and compensation, with its activities (and those of
// its createVms and decommissionVm children) as object literals on the
// time-skipping server.

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
});
afterAll(async () => {
  await env?.teardown();
});

const input: RecycleFleetInput = {
  recycleId: 'fr-0000aaaa',
  team: 'payments',
  requestedBy: 'payments-ci',
  request: { application: 'shop', environment: 'production', fromOsVersion: 'ubuntu-20.04', toOsVersion: 'ubuntu-22.04', batchSize: 2, maxFailedBatches: 0 },
  decommission: { deadlineSeconds: 60, poll: { initialSeconds: 0.1, maxSeconds: 1 } },
};
const old: OldVm[] = [1, 2, 3, 4].map((n) => ({ name: `old-${n}`, address: `127.0.0.${n}`, stack: 'java', osVersion: 'ubuntu-20.04', machineType: 'm' }));
const release = {
  version: 'v2',
  artifact: { url: 'http://a/v2.tgz', sha256: '0'.repeat(64) },
  healthCheck: { port: 8080, path: '/health', timeoutSeconds: 5 },
  weight: 10,
  degradationSeconds: 1,
  deploymentId: 'd-1',
};

/** Every call as `activity name`; `unhealthy` fails its health check. */
function fakes(options: { unhealthy?: string } = {}) {
  const calls: string[] = [];
  let batch = 0;
  const name = (input: { name?: string; host?: { name: string } }) => input.host?.name ?? input.name;
  const activities: Record<string, (input: never) => Promise<unknown>> = {
    requestDeployLock: async (i: { workflowId: string }) => {
      await env.client.workflow.getHandle(i.workflowId).signal('lockGranted');
    },
    planRecycle: async () => ({ old, release, deploymentId: 'd-0000aaaa', countsBefore: { 'ubuntu-20.04': 4 } }),
    saveRecycleProgress: async () => undefined,
    countReadyVms: async () => (options.unhealthy ? { 'ubuntu-20.04': 4 } : { 'ubuntu-22.04': 4 }),
    allocateRecycleVms: async (i: { count: number }) => {
      batch++;
      const vms = Array.from({ length: i.count }, (_, k) => `new-${batch}-${k + 1}`);
      return {
        requestId: `vr-${batch}`,
        workflowId: `create-vms-vr-${input.recycleId}-${batch}`,
        vms,
        deadlineSeconds: 60,
        poll: { initialSeconds: 0.1, maxSeconds: 1 },
      };
    },
    submitProvisioningJob: async () => ({ jobName: 'job' }),
    pollProvisioningJob: async () => undefined,
    locateVm: async () => ({ address: '127.0.1.1' }),
    markVmReady: async () => undefined,
    markVmFailed: async () => undefined,
    markVmCancelled: async () => undefined,
    stageRelease: async (i: { host: { name: string } }) => {
      calls.push(`stage ${i.host.name}`);
      return { previousVersion: undefined };
    },
    activateRelease: async () => undefined,
    restartService: async () => undefined,
    waitHealthy: async (i: { host: { name: string } }) => {
      if (i.host.name === options.unhealthy) throw ApplicationFailure.nonRetryable(`${i.host.name}: not healthy after 5s`, 'HealthCheckFailed');
    },
    serveRecycledVm: async (i: { host: { name: string }; step: string }) => {
      calls.push(`serve ${i.step} ${i.host.name}`);
      return { places: ['shop@lb1'] };
    },
    beginDecommission: async (i: { name: string }) => {
      calls.push(`decommission ${name(i)}`);
      return { status: 'DECOMMISSIONING' };
    },
    findVmServers: async () => [],
    submitDecommissionJob: async () => ({ jobName: 'dj' }),
    pollDecommissionJob: async () => undefined,
    deregisterVm: async () => ({ node: 'deleted', client: 'deleted' }),
    markVmDecommissioned: async () => undefined,
    noteDecommissionFailed: async () => undefined,
  };
  return { calls, activities };
}

async function run(activities: object, workflowId: string): Promise<RecycleProgress> {
  const taskQueue = `recycle-${workflowId}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return (await worker.runUntil(
    env.client.workflow.execute('recycleFleet', { workflowId, taskQueue, args: [{ ...input, recycleId: workflowId }] }),
  )) as RecycleProgress;
}

describe('recycleFleet', () => {
  it('per batch: new VMs created and deployed, serving (weighted, then full) before the old are decommissioned', async () => {
    const { calls, activities } = fakes();
    const outcome = await run(activities, 'fr-happy');
    expect(outcome.status, outcome.error).toBe('SUCCEEDED');
    expect(outcome.batches.map((b) => b.status)).toEqual(['DONE', 'DONE']);
    expect(outcome.countsAfter).toEqual({ 'ubuntu-22.04': 4 });
    // The new VMs' steps run side by side: within a phase the order is free, the phases are not.
    const batch1 = calls.slice(0, calls.indexOf('decommission old-2') + 1);
    const phase = (c: string) => ['stage', 'serve enable', 'serve full', 'decommission'].findIndex((p) => c.startsWith(p));
    expect(batch1.map(phase)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(new Set(batch1)).toEqual(
      new Set([
        'stage new-1-1',
        'stage new-1-2',
        'serve enable new-1-1',
        'serve enable new-1-2',
        'serve full new-1-1',
        'serve full new-1-2',
        'decommission old-1',
        'decommission old-2',
      ]),
    );
    expect(calls.filter((c) => c.startsWith('decommission'))).toEqual(['decommission old-1', 'decommission old-2', 'decommission old-3', 'decommission old-4']);
  });

  it('a new VM failing health: its batch is compensated (new VMs decommissioned, none served), the old kept, FAILED naming it', async () => {
    const { calls, activities } = fakes({ unhealthy: 'new-1-2' });
    const outcome = await run(activities, 'fr-unhealthy');
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain('new-1-2 failed health');
    expect(outcome.batches.map((b) => b.status)).toEqual(['FAILED', 'SKIPPED']);
    expect(calls.filter((c) => c.startsWith('serve'))).toEqual([]);
    expect(calls.filter((c) => c.startsWith('decommission'))).toEqual(['decommission new-1-1', 'decommission new-1-2']);
    expect(outcome.batches[0]!.old.map((vm) => vm.status)).toEqual(['KEPT', 'KEPT']);
    expect(outcome.batches[0]!.new.map((vm) => vm.status)).toEqual(['RETIRED', 'FAILED']);
  });
});
