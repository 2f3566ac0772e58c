import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics/registry.ts';
import { installTemporalRuntime } from '../../src/temporal/runtime.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { freePort } from '../fleet/net.ts';
import { breakHealth } from '../support/fleet-probes.ts';
import type { Vesemir } from '../support/vesemir.ts';
import { alertRules } from './alert-rules.ts';
import { type RunningPrometheus, startPrometheus } from './prometheus.ts';

// The shipped rules in Debian's real Prometheus, scraping a running Vesemir
// (API and worker in one process, with the Temporal SDK's exporter as in
// production) every second: a host quarantined on the test fleet must show
// as VesemirHostQuarantined through Prometheus' API within its `for:`.

let fleet: Fleet;
let v: Vesemir;
let prometheus: RunningPrometheus;
beforeAll(async () => {
  const sdkMetricsBindAddress = `127.0.0.1:${await freePort()}`;
  // Before test/support/temporal.ts (imported below) installs its quiet one.
  if (!installTemporalRuntime(createLogger('silent'), { prometheusBindAddress: sdkMetricsBindAddress })) {
    throw new Error('the Temporal Runtime was installed before this test could install the production one');
  }
  const { startVesemir } = await import('../support/vesemir.ts');
  fleet = await startFleet({ vms: 2 });
  v = await startVesemir(fleet, {}, { metrics: createMetrics(), sdkMetricsBindAddress });
  await v.startWorker();
  const address = await v.api.listen({ host: '127.0.0.1', port: 0 });
  prometheus = await startPrometheus([new URL(address).host]);
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  await v?.close();
  await fleet?.stop();
});

describe('the alert rules in a real Prometheus', () => {
  it('scrapes Vesemir and the SDK metrics the worker alerts read, and nothing fires while all is well', async () => {
    await expect.poll(async () => (await prometheus.query('up{job="vesemir"}')).map((s) => s.value[1]), { timeout: 20_000 }).toEqual(['1']);
    // The Temporal SDK's names the worker alerts use (they exist only with its exporter on).
    await expect
      .poll(async () => (await prometheus.query('sum(temporal_num_pollers{poller_type="activity_task"})'))[0]?.value[1], { timeout: 20_000 })
      .toMatch(/^[1-9]/);
    const slots = await prometheus.query('temporal_worker_task_slots_available');
    expect(new Set(slots.map((s) => s.metric.worker_type))).toEqual(new Set(['WorkflowWorker', 'ActivityWorker', 'LocalActivityWorker']));
    expect(await prometheus.query('vesemir_oldest_queued_deployment_seconds')).toHaveLength(1);
    // Before its first scrape Prometheus sees no poller, so VesemirWorkerNotPolling may be pending (never firing: `for: 2m`) for a second.
    await expect.poll(() => prometheus.alerts(), { timeout: 10_000 }).toEqual([]);
  });

  it('fires VesemirHostQuarantined within its `for:` once a host is left drained', async () => {
    const { waitForDeployment } = await import('../support/vesemir.ts');
    const vm = fleet.vms[0]!.name;
    // v2 fails its health check on vm1, and so does v1 when the rollback brings it back: quarantined.
    await breakHealth(fleet, vm, 'v2', 'v1');
    const artifact = await fleet.release('v2');
    const body = fleet.deployRequest('v2', artifact, {
      concurrency: 1,
      maxFailedHosts: 0,
      healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 1 },
    });
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: body });
    expect(res.statusCode, res.body).toBe(202);
    const done = await waitForDeployment(v.api, res.json().id);
    expect(done.hosts.find((h: { name: string }) => h.name === vm)?.status).toBe('QUARANTINED');
    const quarantinedAt = Date.now();

    const rule = alertRules().find((r) => r.alert === 'VesemirHostQuarantined')!;
    // A scrape (1 s), an evaluation (1 s) and the rule's `for:` (0m: firing at once), with room for a slow machine.
    let states: string[] = [];
    await expect
      .poll(
        async () => {
          const alerts = (await prometheus.alerts()).filter((a) => a.labels.alertname === 'VesemirHostQuarantined');
          states = alerts.map((a) => a.state);
          return alerts;
        },
        { timeout: 15_000, interval: 200 },
      )
      .toEqual([
        expect.objectContaining({
          state: 'firing',
          labels: { alertname: 'VesemirHostQuarantined', severity: 'critical', application: fleet.app.name, environment: fleet.app.environment },
          annotations: expect.objectContaining({ runbook_url: rule.annotations.runbook_url }),
        }),
      ]);
    console.log(`VesemirHostQuarantined ${states.join(',')} ${Date.now() - quarantinedAt} ms after the deploy ended (for: ${rule.for})`);
    expect(done.status).toBe('FAILED');
    // And the failed deploy its own alert.
    await expect.poll(async () => (await prometheus.alerts()).map((a) => a.labels.alertname).sort(), { timeout: 15_000 }).toContain('VesemirDeployFailed');
  });
});
