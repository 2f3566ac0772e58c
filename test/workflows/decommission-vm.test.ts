import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmDecommissionActivities } from '../../src/activities/vm-decommission-activities.ts';
import { temporalTestServerPath } from '../../src/temporal/binaries.ts';
import type { DecommissionOutcome, DecommissionVmInput } from '../../src/workflows/decommission-vm.ts';
import { workflowBundle } from '../support/temporal.ts';

// decommissionVm's order of steps and its failures, with its activities as
// object literals on the time-skipping server.

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
});
afterAll(async () => {
  await env?.teardown();
});

const input: DecommissionVmInput = { name: 'shop-vm9', requestedBy: 'payments-ci', deadlineSeconds: 60, poll: { initialSeconds: 0.1, maxSeconds: 1 } };
const server = { backend: 'shop', loadBalancers: [{ name: 'lb1', address: '127.0.0.2' }] };

/** Every activity records its call; `overrides` change what some do. */
function fakes(overrides: Partial<VmDecommissionActivities> = {}) {
  const calls: string[] = [];
  const errors: string[] = [];
  const base: VmDecommissionActivities = {
    beginDecommission: async () => ({ status: 'DECOMMISSIONING' }),
    findVmServers: async () => [server],
    drainVmServer: async () => undefined,
    removeVmServer: async () => undefined,
    submitDecommissionJob: async () => ({ jobName: 'proctor-1' }),
    pollDecommissionJob: async () => undefined,
    deregisterVm: async () => ({ node: 'deleted', client: 'absent' }),
    markVmDecommissioned: async () => undefined,
    noteDecommissionFailed: async ({ error }) => {
      errors.push(error);
    },
  };
  const activities = Object.fromEntries(
    Object.entries({ ...base, ...overrides }).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  return { calls, errors, activities };
}

async function run(activities: object, workflowId: string): Promise<DecommissionOutcome> {
  const taskQueue = `decommission-${workflowId}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return (await worker.runUntil(env.client.workflow.execute('decommissionVm', { workflowId, taskQueue, args: [input] }))) as DecommissionOutcome;
}

describe('decommissionVm', () => {
  it('drains, removes, runs the job, deregisters, then marks DECOMMISSIONED, in that order', async () => {
    const { calls, activities } = fakes();
    const outcome = await run(activities, 'decommission-happy');
    expect(calls).toEqual([
      'beginDecommission',
      'findVmServers',
      'drainVmServer',
      'removeVmServer',
      'submitDecommissionJob',
      'pollDecommissionJob',
      'deregisterVm',
      'markVmDecommissioned',
    ]);
    expect(outcome).toMatchObject({ changed: true, removedFrom: ['shop@lb1'], jobName: 'proctor-1', chef: { node: 'deleted', client: 'absent' } });
  });

  it('does nothing for a VM already DECOMMISSIONED', async () => {
    const { calls, activities } = fakes({ beginDecommission: async () => ({ status: 'DECOMMISSIONED' }) });
    expect(await run(activities, 'decommission-done')).toMatchObject({ changed: false });
    expect(calls).toEqual(['beginDecommission']);
  });

  it('fails with the step’s type and names the server left drained when del server fails; nothing after it runs', async () => {
    const { calls, errors, activities } = fakes({
      removeVmServer: async () => {
        throw ApplicationFailure.nonRetryable('HAProxy on lb1, shop/shop-vm9: del server refused', 'LoadBalancerError');
      },
    });
    const failed = await run(activities, 'decommission-left-drained').catch((e: unknown) => e);
    const cause = (failed as { cause?: ApplicationFailure }).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause?.type).toBe('LoadBalancerError');
    expect(cause?.message).toBe(
      'remove from shop: HAProxy on lb1, shop/shop-vm9: del server refused; shop-vm9 is left drained (in maintenance) in shop on lb1',
    );
    expect(errors).toEqual([cause?.message]);
    expect(calls).toEqual(['beginDecommission', 'findVmServers', 'drainVmServer', 'removeVmServer', 'noteDecommissionFailed']);
  });

  it('a job that never ends fails at the deadline as ProvisioningDeadline; the VM keeps the error', async () => {
    const { errors, activities } = fakes({
      pollDecommissionJob: async () => {
        throw ApplicationFailure.create({ message: 'decommission job proctor-1 is WAITING', type: 'ProvisioningPending' });
      },
    });
    const failed = await run(activities, 'decommission-deadline').catch((e: unknown) => e);
    const cause = (failed as { cause?: ApplicationFailure }).cause;
    expect(cause?.type).toBe('ProvisioningDeadline');
    expect(cause?.message).toMatch(/^decommission job: no definitive result within the deadline; last: decommission job proctor-1 is WAITING/);
    expect(errors).toHaveLength(1);
  });
});
