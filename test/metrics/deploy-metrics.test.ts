import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createMetrics, type Metrics } from '../../src/metrics/registry.ts';
import { installTemporalRuntime } from '../../src/temporal/runtime.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { freePort } from '../fleet/net.ts';
import type { Vesemir } from '../support/vesemir.ts';
import { parseSamples, sampleValue } from './prom-text.ts';

// One deploy through the in-process harness with the production Runtime:
// the SDK's logs and Prometheus exporter installed as main.ts does, every
// JSON line captured, then /metrics and the lines checked.

const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});
const HOST_STEPS = ['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full'];
const STEP_ACTIVITIES = ['inspectHost', 'stageRelease', 'drainHost', 'activateRelease', 'restartService', 'waitHealthy', 'enableHost'];

let fleet: Fleet;
let v: Vesemir;
let metrics: Metrics;
beforeAll(async () => {
  const logger = createLogger('debug', { role: 'test' }, capture);
  const sdkMetricsBindAddress = `127.0.0.1:${await freePort()}`;
  // Before test/support/temporal.ts (imported below) installs its quiet one: this process's Runtime is ours.
  if (!installTemporalRuntime(logger, { prometheusBindAddress: sdkMetricsBindAddress })) {
    throw new Error('the Temporal Runtime was installed before this test could install the production one');
  }
  const { startVesemir } = await import('../support/vesemir.ts');
  fleet = await startFleet({ vms: 2 });
  metrics = createMetrics();
  v = await startVesemir(fleet, {}, { metrics, logger, sdkMetricsBindAddress });
  await v.startWorker();
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
});

describe('observability of a deploy', () => {
  let id: string;
  let samples: ReturnType<typeof parseSamples>;
  beforeAll(async () => {
    const { waitForDeployment } = await import('../support/vesemir.ts');
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact, { concurrency: 2 }) });
    expect(res.statusCode, res.body).toBe(202);
    id = res.json().id;
    const done = await waitForDeployment(v.api, id);
    expect(done.status, JSON.stringify(done, null, 1)).toBe('SUCCEEDED');
    // The API shows SUCCEEDED as soon as the last status is stored; the activity that stored it
    // is counted and logged a moment later, when it returns. Scrape until it has.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const scrape = await v.api.inject({ method: 'GET', url: '/metrics' });
      expect(scrape.statusCode).toBe(200);
      samples = parseSamples(scrape.body);
      const counted = sampleValue(samples, 'vesemir_deployments_finished_total', { outcome: 'SUCCEEDED' }) === 1;
      const logged = lines.filter((l) => l.msg === 'Activity completed' && l.activityType === 'setDeploymentStatus').length === 2;
      if ((counted && logged) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 120_000);

  it('counts the deployment started and SUCCEEDED, and times every host step', () => {
    expect(sampleValue(samples, 'vesemir_deployments_started_total')).toBe(1);
    expect(sampleValue(samples, 'vesemir_deployments_finished_total', { outcome: 'SUCCEEDED' })).toBe(1);
    expect(sampleValue(samples, 'vesemir_deployments_finished_total', { outcome: 'FAILED' })).toBe(0);
    for (const step of HOST_STEPS) {
      const labels = { step, outcome: 'success' };
      expect(sampleValue(samples, 'vesemir_host_step_duration_seconds_count', labels), step).toBe(2);
      expect(sampleValue(samples, 'vesemir_host_step_duration_seconds_bucket', { ...labels, le: '+Inf' }), step).toBe(2);
      expect(sampleValue(samples, 'vesemir_host_step_duration_seconds_sum', labels), step).toBeGreaterThan(0);
    }
    expect(samples.filter((s) => s.name === 'vesemir_host_step_duration_seconds_count' && s.labels.outcome === 'failure')).toEqual([]);
  });

  it('counts the API calls by route template', () => {
    expect(sampleValue(samples, 'vesemir_http_requests_total', { route: '/v1/deployments', method: 'POST', status_code: '202' })).toBe(1);
    expect(sampleValue(samples, 'vesemir_http_requests_total', { route: '/v1/deployments/:id', method: 'GET', status_code: '200' })).toBeGreaterThan(0);
  });

  it("includes the Temporal SDK's own metrics from its exporter", () => {
    expect(sampleValue(samples, 'vesemir_temporal_sdk_metrics_up')).toBe(1);
    const sdk = new Set(samples.filter((s) => s.name.startsWith('temporal_')).map((s) => s.name));
    expect([...sdk]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^temporal_activity_execution_latency/), expect.stringMatching(/^temporal_workflow_completed/)]),
    );
  });

  it('writes JSON lines whose activity lines carry the deployment, host and step', () => {
    const vms = fleet.vms.map((vm) => vm.name);
    const sdkActivityLines = lines.filter((l) => l.component === 'temporal-sdk' && STEP_ACTIVITIES.includes(String(l.activityType)));
    // The SDK logs each activity's start (before the interceptor runs) and its end; the end carries the fields.
    const completed = sdkActivityLines.filter((l) => l.msg === 'Activity completed');
    expect(completed.length).toBe(HOST_STEPS.length * 2);
    for (const line of completed) {
      expect(line).toMatchObject({ deploymentId: id, step: expect.any(String), level: 20, service: 'vesemir', role: 'test' });
      expect(vms).toContain(line.host);
    }
    expect(new Set(completed.map((l) => l.step))).toEqual(new Set(HOST_STEPS));
    const bookkeeping = lines.filter((l) => l.msg === 'Activity completed' && l.activityType === 'setDeploymentStatus');
    expect(bookkeeping.map((l) => l.deploymentId)).toEqual([id, id]);
  });
});
