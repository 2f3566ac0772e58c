import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployHostInput } from '../../src/domain/deploy-types.ts';
import { temporalTestServerPath } from '../../src/temporal/binaries.ts';
import { fakeActivities, newWorld } from '../support/fake-activities.ts';
import { workflowBundle } from '../support/temporal.ts';

// The degradation time is a durable timer: on the time-skipping server a
// ten-minute bake takes no wall time, and the 100% step still waits for it.

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
});
afterAll(async () => {
  await env?.teardown();
});

describe('deployHost on the time-skipping server', () => {
  it('bakes at reduced weight for degradationSeconds, then goes to 100%', async () => {
    const world = newWorld(1);
    const host = world.hosts[0]!;
    const taskQueue = 'time-skipping';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: fakeActivities(env.client, taskQueue, world, 0),
    });
    const input: DeployHostInput = {
      deploymentId: 'd-timeskip',
      application: 'shop',
      version: 'v2',
      artifact: { url: 'http://127.0.0.1:1/a.tgz', sha256: 'b'.repeat(64) },
      host,
      loadBalancers: world.loadBalancers,
      backend: 'shop',
      weight: 10,
      degradationSeconds: 600,
      healthCheck: { port: 8000, path: '/health', timeoutSeconds: 30 },
    };
    const started = Date.now();
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('deployHost', { workflowId: 'host-timeskip', taskQueue, args: [input] });
      const history = async () => (await handle.fetchHistory()).events ?? [];
      const outcome = await handle.result();
      const timers = (await history()).filter((e) => e.timerStartedEventAttributes);
      return { outcome, timers };
    });
    expect(result.outcome).toMatchObject({ name: host.name, status: 'DONE', previousVersion: 'v1' });
    expect(result.timers).toHaveLength(1);
    expect(Number(result.timers[0]!.timerStartedEventAttributes!.startToFireTimeout!.seconds)).toBe(600);
    expect(world.calls.slice(-2)).toEqual([`${host.name}:enable`, `${host.name}:full`]);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
