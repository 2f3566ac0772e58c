import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsText, sdkMetricsUrl } from '../../src/metrics/exposition.ts';
import { createMetrics } from '../../src/metrics/registry.ts';
import { startMetricsServer } from '../../src/metrics/server.ts';
import { freePort } from '../fleet/net.ts';
import { parseSamples, sampleValue } from './prom-text.ts';

// A stand-in for the SDK's Prometheus exporter: the format is all that matters here.
const sdkText =
  '# HELP temporal_worker_task_slots_available x\n# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available{worker_type="ActivityWorker"} 100\n';
const exporter = createServer((req, res) => (req.url === '/metrics' ? res.end(sdkText) : res.writeHead(404).end()));
let bind: string;
beforeAll(async () => {
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
  bind = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => exporter.close(() => r())));

describe('/metrics text', () => {
  it('is our registry followed by the SDK exporter, with an up gauge', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.deploymentsStarted.inc();
    const samples = parseSamples(await metricsText(metrics, { sdkBindAddress: bind }));
    expect(sampleValue(samples, 'vesemir_deployments_started_total')).toBe(1);
    expect(sampleValue(samples, 'vesemir_temporal_sdk_metrics_up')).toBe(1);
    expect(sampleValue(samples, 'temporal_worker_task_slots_available', { worker_type: 'ActivityWorker' })).toBe(100);
  });

  it('still serves our metrics when the exporter does not answer, saying why', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const dead = `127.0.0.1:${await freePort()}`;
    const text = await metricsText(metrics, { sdkBindAddress: dead, sdkTimeoutMs: 500 });
    expect(text).toContain(`# Temporal SDK metrics unavailable at ${dead}`);
    expect(sampleValue(parseSamples(text), 'vesemir_temporal_sdk_metrics_up')).toBe(0);
  });

  it('has no SDK part when no exporter is configured, and reaches a wildcard bind on loopback', async () => {
    const text = await metricsText(createMetrics({ processMetrics: false }));
    expect(text).not.toContain('temporal_sdk');
    expect(sdkMetricsUrl('0.0.0.0:9464')).toBe('http://127.0.0.1:9464/metrics');
    expect(sdkMetricsUrl('temporal-metrics.internal:9000')).toBe('http://temporal-metrics.internal:9000/metrics');
  });
});

describe('worker metrics server', () => {
  it('serves /metrics and /healthz and nothing else', async () => {
    const metrics = createMetrics();
    let healthy = true;
    const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 }, { sdkBindAddress: bind, healthy: () => healthy });
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const samples = parseSamples(await res.text());
      expect(sampleValue(samples, 'temporal_worker_task_slots_available')).toBe(100);
      expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      expect((await fetch(`${server.url}/v1/deployments`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
