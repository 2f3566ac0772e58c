import { Writable } from 'node:stream';
import { log as activityLog } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { activityInterceptors } from '../../src/metrics/activity-interceptor.ts';
import { activityLogFields } from '../../src/metrics/activity-labels.ts';
import { createMetrics, type Metrics } from '../../src/metrics/registry.ts';

const host = { name: 'shop-1', address: '127.0.0.1' };
const step = { deploymentId: 'd-1234abcd', application: 'shop', host, version: 'v2' };

/** Runs `fn` as activity `activityType` with the interceptor, capturing pino lines and the SDK's log entries. */
async function run(metrics: Metrics, activityType: string, input: unknown, fn: () => Promise<unknown>) {
  const lines: Record<string, unknown>[] = [];
  const sdk: LogEntry[] = [];
  const logger = createLogger(
    'debug',
    {},
    new Writable({
      write: (chunk, _e, cb) => {
        lines.push(JSON.parse(String(chunk)));
        cb();
      },
    }),
  );
  const env = new MockActivityEnvironment(
    { activityType },
    { interceptors: [activityInterceptors(metrics)], logger: new DefaultLogger('DEBUG', (e) => sdk.push(e)) },
  );
  const outcome = await env
    .run(async (_input: unknown) => {
      logger.info('inside the activity');
      activityLog.info('through the SDK logger');
      return fn();
    }, input)
    .then(
      () => 'ok',
      (err: Error) => err.message,
    );
  return { lines, sdk, outcome };
}

const values = async (metric: { get(): Promise<{ values: { labels: object; value: number }[] }> }) =>
  (await metric.get()).values.map((v) => ({ ...v.labels, value: v.value }));

describe('activity interceptor', () => {
  it('puts deploymentId, host and step on pino lines and on the SDK lines of a host step, and times it', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const { lines, sdk, outcome } = await run(metrics, 'stageRelease', step, async () => undefined);
    expect(outcome).toBe('ok');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'inside the activity', deploymentId: 'd-1234abcd', host: 'shop-1', step: 'stage', activity: 'stageRelease' }),
    ]);
    for (const message of ['through the SDK logger', 'Activity completed']) {
      expect(sdk.find((e) => e.message === message)?.meta).toMatchObject({
        deploymentId: 'd-1234abcd',
        host: 'shop-1',
        step: 'stage',
        activityType: 'stageRelease',
      });
    }
    const counts = (await metrics.hostStepDuration.get()).values.filter((v) => v.metricName === 'vesemir_host_step_duration_seconds_count');
    expect(counts.map((v) => ({ ...v.labels, value: v.value }))).toEqual([{ step: 'stage', outcome: 'success', value: 1 }]);
  });

  it('labels rollback and enable variants by their recorded step name, and failures as such', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const health = { ...step, rollback: true, healthCheck: { port: 1, path: '/', timeoutSeconds: 1 } };
    expect((await run(metrics, 'waitHealthy', health, async () => Promise.reject(new Error('not healthy')))).outcome).toBe('not healthy');
    await run(metrics, 'enableHost', { ...step, step: 'full', weight: 100 }, async () => undefined);
    await run(metrics, 'drainHost', { ...step, rollback: true }, async () => undefined);
    const counts = (await metrics.hostStepDuration.get()).values.filter((v) => v.metricName === 'vesemir_host_step_duration_seconds_count');
    expect(counts.map((v) => ({ ...v.labels, value: v.value }))).toEqual([
      { step: 'rollback-health', outcome: 'failure', value: 1 },
      { step: 'full', outcome: 'success', value: 1 },
      { step: 'rollback-drain', outcome: 'success', value: 1 },
    ]);
  });

  it('counts each run queued, started and finished by outcome, a run cancelled while queued as such, and nothing for a failed write', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const factory = activityInterceptors(metrics);
    const activity = async (activityType: string, input: object, fail = false) => {
      // The failed write's "Activity failed" warning is expected here.
      const env = new MockActivityEnvironment({ activityType }, { interceptors: [factory], logger: new DefaultLogger('ERROR') });
      await env.run(async (_i: unknown) => (fail ? Promise.reject(new Error('db down')) : undefined), input).catch(() => undefined);
    };
    const status = (deploymentId: string, s: string, turn?: string, fail = false) => activity('setDeploymentStatus', { deploymentId, status: s, turn }, fail);
    for (const id of ['d-1', 'd-2', 'd-3', 'd-4']) await activity('requestDeployLock', { deploymentId: id });
    await activity('requestDeployLock', { deploymentId: 'd-5' }, true);
    await status('d-1', 'RUNNING', 'taken');
    await status('d-1', 'PAUSED');
    await status('d-1', 'RUNNING'); // resumed, not started again
    await status('d-2', 'PAUSED', 'taken'); // paused while queued: started when its turn came
    await status('d-3', 'CANCELLED', 'never-taken');
    await status('d-1', 'SUCCEEDED');
    await status('d-2', 'FAILED', undefined, true);
    await status('d-2', 'FAILED');
    expect(await values(metrics.deploymentsQueued)).toEqual([{ value: 4 }]);
    expect(await values(metrics.deploymentsStarted)).toEqual([{ value: 2 }]);
    // Every outcome's series exists from the start, at 0 (an alert's increase() sees the first one).
    expect(await values(metrics.deploymentsFinished)).toEqual([
      { outcome: 'SUCCEEDED', value: 1 },
      { outcome: 'FAILED', value: 1 },
      { outcome: 'CANCELLED', value: 0 },
      { outcome: 'CANCELLED_WHILE_QUEUED', value: 1 },
      { outcome: 'FAILED_WHILE_QUEUED', value: 0 },
    ]);
  });

  it('reads the deployments in flight per status from its source at each scrape', async () => {
    const metrics = createMetrics({ processMetrics: false });
    expect(await values(metrics.deploymentsInFlight)).toEqual([]);
    let counts: Record<string, number> = { QUEUED: 2, PAUSED: 1 };
    metrics.countInFlightWith(async () => counts);
    expect(await values(metrics.deploymentsInFlight)).toEqual([
      { status: 'QUEUED', value: 2 },
      { status: 'PROVISIONING', value: 0 },
      { status: 'RUNNING', value: 0 },
      { status: 'PAUSED', value: 1 },
      { status: 'WAITING_APPROVAL', value: 0 },
    ]);
    counts = { RUNNING: 1 };
    expect((await values(metrics.deploymentsInFlight)).filter((v) => v.value > 0)).toEqual([{ status: 'RUNNING', value: 1 }]);
  });

  it('counts provisioning jobs submitted and finished, with the VM on the log lines', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const { lines } = await run(metrics, 'submitProvisioningJob', { name: 'shop-prod-java-1' }, async () => ({ jobName: 'j-1' }));
    expect(lines[0]).toMatchObject({ vm: 'shop-prod-java-1', activity: 'submitProvisioningJob' });
    await run(metrics, 'markVmReady', { name: 'shop-prod-java-1', address: '10.0.0.1' }, async () => undefined);
    await run(metrics, 'markVmFailed', { name: 'shop-prod-java-2', reason: 'job FAILED' }, async () => undefined);
    await run(metrics, 'markVmCancelled', { name: 'shop-prod-java-3', reason: 'cancelled' }, async () => undefined);
    await run(metrics, 'pollProvisioningJob', { name: 'shop-prod-java-2', jobName: 'j-2' }, async () => undefined);
    expect(await values(metrics.provisioningJobsSubmitted)).toEqual([{ value: 1 }]);
    expect(await values(metrics.provisioningJobsFinished)).toEqual([
      { outcome: 'READY', value: 1 },
      { outcome: 'FAILED', value: 1 },
      { outcome: 'CANCELLED', value: 1 },
    ]);
  });

  it('reads the fields of bookkeeping activities too', () => {
    expect(activityLogFields('setHostStatus', { deploymentId: 'd-1', host: 'shop-2', status: 'DONE' })).toEqual({
      activity: 'setHostStatus',
      deploymentId: 'd-1',
      host: 'shop-2',
    });
    expect(activityLogFields('discover', { deploymentId: 'd-1', hostQuery: 'q' })).toEqual({ activity: 'discover', deploymentId: 'd-1' });
    expect(activityLogFields('verifyArtifact', 'not an object')).toEqual({ activity: 'verifyArtifact' });
  });
});
