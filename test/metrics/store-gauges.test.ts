import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/registry.ts';
import type { AlertFacts } from '../../src/metrics/store-gauges.ts';
import { parseSamples } from './prom-text.ts';

const scrape = async (metrics: ReturnType<typeof createMetrics>) =>
  parseSamples(await metrics.registry.metrics())
    .filter((s) => /quarantined|queued_deployment|step_running/.test(s.name))
    .map((s) => ({ name: s.name, ...s.labels, value: s.value }));

describe('the alerts gauges', () => {
  it('have no labelled samples before a source is given (a worker-only process; the queue age says 0), then show what it reads at each scrape, dropping states that ended', async () => {
    const metrics = createMetrics({ processMetrics: false });
    expect(await scrape(metrics)).toEqual([{ name: 'vesemir_oldest_queued_deployment_seconds', value: 0 }]);
    let facts: Awaited<ReturnType<AlertFacts['quarantinedHosts']>> = [{ application: 'shop', environment: 'production', hosts: 2 }];
    metrics.readAlertFactsFrom({
      quarantinedHosts: async () => facts,
      oldestQueuedSeconds: async () => undefined,
      runningStepSeconds: async () => [{ step: 'stage', seconds: 12.5 }],
    });
    expect(await scrape(metrics)).toEqual([
      { name: 'vesemir_hosts_quarantined', application: 'shop', environment: 'production', value: 2 },
      { name: 'vesemir_oldest_queued_deployment_seconds', value: 0 },
      { name: 'vesemir_step_running_seconds', step: 'stage', value: 12.5 },
    ]);
    facts = [];
    expect((await scrape(metrics)).map((s) => s.name)).not.toContain('vesemir_hosts_quarantined');
  });
});
