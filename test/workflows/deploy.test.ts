import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployRequest } from '../../src/domain/deploy-request.ts';
import type { DeployOutcome } from '../../src/domain/deploy-types.ts';
import { START_CHECKS_BOUND } from '../../src/workflows/activity-options.ts';
import { cancelUpdate, deployWorkflowId, progressQuery } from '../../src/workflows/definitions.ts';
import { type FakeWorld, fakeActivities, fakeDeployRequest, newWorld, runFakeDeploy } from '../support/fake-activities.ts';
import { recordDeploy } from '../support/record-fixture.ts';
import { type TemporalHarness, temporalHarness } from '../support/temporal.ts';

// The deploy workflow's orchestration on the real Temporal dev server, with
// activities swapped for object literals over an in-memory fleet.

let t: TemporalHarness;
beforeAll(async () => {
  t = await temporalHarness();
});
afterAll(async () => {
  await t?.close();
});

const request = (overrides: Partial<DeployRequest> = {}) => fakeDeployRequest({ concurrency: 2, ...overrides });

const run = (world: FakeWorld, req: DeployRequest, fixture?: string, during?: (handle: WorkflowHandle) => Promise<void>) =>
  runFakeDeploy(t, world, req, { ...(fixture ? { fixture } : {}), ...(during ? { during } : {}) });

describe('deploy workflow', () => {
  it('deploys every host in order, at most `concurrency` drained at once', async () => {
    const world = newWorld(5);
    const { outcome, handle } = await run(world, request({ concurrency: 2 }), 'succeeded');
    expect(outcome.status).toBe('SUCCEEDED');
    expect(world.maxDrained).toBe(2);
    for (const host of world.hosts) {
      expect(world.calls.filter((c) => c.startsWith(`${host.name}:`))).toEqual(
        ['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full'].map((s) => `${host.name}:${s}`),
      );
      expect(world.current.get(host.name)).toBe('v2');
      expect(world.hostStatus.get(host.name)).toBe('DONE');
    }
    expect(world.statuses).toEqual(['RUNNING', 'SUCCEEDED']);
    const history = await handle.fetchHistory();
    const children = history.events?.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes) ?? [];
    expect(children).toHaveLength(5);
  });

  it('rolls a host back when its health check fails, and starts no host after the budget is spent', async () => {
    const world = newWorld(4);
    world.failing.add('vm1:health');
    const { outcome } = await run(world, request({ concurrency: 1, maxFailedHosts: 0 }), 'failed-rolled-back');
    expect(outcome.status).toBe('FAILED');
    expect(outcome.hosts).toEqual([expect.objectContaining({ name: 'vm1', status: 'ROLLED_BACK', failedStep: 'health' })]);
    expect(world.current.get('vm1')).toBe('v1');
    expect(world.calls).toContain('vm1:rollback-enable');
    expect(world.calls.some((c) => c.startsWith('vm2:'))).toBe(false);
    expect(world.hostStatus.get('vm2')).toBe('SKIPPED');
    expect(world.drained.size).toBe(0);
  });

  it('quarantines a host whose rollback fails too, and reports it', async () => {
    const world = newWorld(2);
    world.failing.add('vm1:restart');
    world.failing.add('vm1:rollback-restart');
    const { outcome } = await run(world, request({ concurrency: 2, maxFailedHosts: 1 }), 'quarantined');
    expect(outcome.status).toBe('FAILED');
    const vm1 = outcome.hosts.find((h) => h.name === 'vm1');
    expect(vm1).toMatchObject({ status: 'QUARANTINED', failedStep: 'restart' });
    expect(vm1?.error).toMatch(/left drained/);
    expect(world.drained).toEqual(new Set(['vm1']));
    expect(world.hostStatus.get('vm1')).toBe('QUARANTINED');
    expect(world.hostStatus.get('vm2')).toBe('DONE');
  });

  it('cancels with rollback: in-flight hosts finish, done hosts go back, nothing else starts', async () => {
    const world = newWorld(4);
    const { stop } = await t.startWorker(fakeActivities(t.client, t.taskQueue, world, 150));
    try {
      const id = `d-${randomUUID()}`;
      const handle = await t.client.workflow.start('deploy', {
        workflowId: deployWorkflowId(id),
        taskQueue: t.taskQueue,
        args: [{ deploymentId: id, request: request({ concurrency: 1 }) }],
      });
      // Cancel once the first host is done.
      while (!world.calls.includes('vm1:full')) await new Promise((r) => setTimeout(r, 20));
      const answer = await handle.executeUpdate(cancelUpdate, { args: [{ rollback: true }] });
      expect(answer.message).toMatch(/rolled back/);
      const outcome = (await handle.result()) as DeployOutcome;
      await recordDeploy(t.client, id, 'cancelled');
      expect(outcome.status).toBe('CANCELLED');
      expect(world.current.get('vm1')).toBe('v1');
      expect(world.calls.filter((c) => c.startsWith('vm1:rollback-'))).toEqual([
        'vm1:rollback-drain',
        'vm1:rollback-activate',
        'vm1:rollback-restart',
        'vm1:rollback-health',
        'vm1:rollback-enable',
      ]);
      expect(world.calls.some((c) => c.startsWith('vm3:'))).toBe(false);
      expect(world.drained.size).toBe(0);
      expect(world.hostStatus.get('vm4')).toBe('SKIPPED');
      expect(world.statuses.at(-1)).toBe('CANCELLED');
    } finally {
      await stop();
    }
  });

  it('frees the lock of a deploy terminated by hand, so the next one runs', async () => {
    const world = newWorld(2);
    const { stop } = await t.startWorker(fakeActivities(t.client, t.taskQueue, world, 300));
    try {
      const start = (id: string) =>
        t.client.workflow.start('deploy', {
          workflowId: deployWorkflowId(id),
          taskQueue: t.taskQueue,
          args: [{ deploymentId: id, request: request({ concurrency: 1 }) }],
        });
      const first = await start(`d-${randomUUID()}`);
      while (!world.calls.includes('vm1:stage')) await new Promise((r) => setTimeout(r, 20));
      await first.terminate('operator gave up on it');
      const second = await start(`d-${randomUUID()}`);
      const outcome = (await second.result()) as DeployOutcome;
      expect(outcome.status).toBe('SUCCEEDED');
    } finally {
      await stop();
    }
  });

  it('never drains a host whose staging fails', async () => {
    const world = newWorld(1);
    world.failing.add('vm1:stage');
    const { outcome } = await run(world, request());
    expect(outcome.hosts[0]).toMatchObject({ status: 'FAILED', failedStep: 'stage' });
    expect(world.calls).toEqual(['vm1:inspect', 'vm1:stage']);
  });
});

describe('a deploy that cannot start', () => {
  it('FAILS with the reason when its artifact does not resolve, within the bound, and the next deploy then runs', async () => {
    const world = newWorld(1);
    const { stop } = await t.startWorker(fakeActivities(t.client, t.taskQueue, world));
    try {
      const start = (id: string, req: DeployRequest) =>
        t.client.workflow.start('deploy', { workflowId: deployWorkflowId(id), taskQueue: t.taskQueue, args: [{ deploymentId: id, request: req }] });
      const brokenId = `d-${randomUUID()}`;
      const began = Date.now();
      const broken = await start(brokenId, request({ artifact: { url: 'http://artifacts.invalid/shop-v2.tar.gz', sha256: 'a'.repeat(64) } }));
      const next = await start(`d-${randomUUID()}`, request());
      const outcome = (await broken.result()) as DeployOutcome;
      expect(outcome).toMatchObject({ status: 'FAILED', error: expect.stringContaining('artifacts.invalid/shop-v2.tar.gz could not be fetched') });
      expect(Date.now() - began).toBeLessThan(msToNumber(START_CHECKS_BOUND));
      await recordDeploy(t.client, brokenId, 'artifact-unreachable');
      expect(((await next.result()) as DeployOutcome).status).toBe('SUCCEEDED');
    } finally {
      await stop();
    }
  });

  it('answers a cancel at once while Chef keeps failing, and ends CANCELLED without waiting for the checks', async () => {
    const world = newWorld(1);
    world.failing.add('chef');
    await run(world, request(), undefined, async (handle) => {
      await expect.poll(async () => (await handle.query(progressQuery)).status, { timeout: 10_000 }).toBe('RUNNING');
      await new Promise((r) => setTimeout(r, 1500)); // into the retries
      const sent = Date.now();
      await handle.executeUpdate(cancelUpdate, { args: [{}] });
      expect(Date.now() - sent).toBeLessThan(2000);
      const outcome = (await handle.result()) as DeployOutcome;
      expect(outcome.status).toBe('CANCELLED');
      expect(Date.now() - sent).toBeLessThan(5000);
    });
    expect(world.calls).toEqual([]);
  });
});
