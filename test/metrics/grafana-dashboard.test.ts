import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/registry.ts';

const dashboard = JSON.parse(readFileSync(new URL('../../grafana/vesemir-dashboard.json', import.meta.url), 'utf8')) as {
  uid: string;
  panels: { id: number; type: string; targets?: { expr: string }[] }[];
};
const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);

describe('grafana/vesemir-dashboard.json', () => {
  it('queries only Vesemir metrics that exist, grouped by labels they have', () => {
    const registry = createMetrics({ processMetrics: false }).registry;
    /** Label names of a metric; undefined when there is no such metric. */
    const labelsOf = (name: string): string[] | undefined => {
      // Served by metrics/exposition.ts beside the registry.
      if (name === 'vesemir_temporal_sdk_metrics_up') return [];
      const metric = registry.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined;
      return metric ? (metric.labelNames ?? []) : undefined;
    };
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      const groupedBy = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim())).filter((l) => l !== 'le');
      for (const [used] of expr.matchAll(/\bvesemir_[a-z_]+/g)) {
        const labels = labelsOf(used.replace(/_(bucket|count|sum)$/, ''));
        expect(labels, `${used} in ${expr}`).toBeDefined();
        for (const label of groupedBy) expect(labels, `${label} of ${used} in ${expr}`).toContain(label);
      }
    }
  });

  it('charts every Vesemir metric the registry serves', () => {
    const served = createMetrics({ processMetrics: false })
      .registry.getMetricsAsArray()
      .map((m) => m.name)
      .filter((name) => name.startsWith('vesemir_'));
    expect(served).toContain('vesemir_hosts_quarantined');
    const charted = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\bvesemir_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))));
    expect(served.filter((name) => !charted.has(name))).toEqual([]);
  });

  it('has unique panel ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('vesemir');
  });
});
