import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_PATH } from '../../src/domain/errors.ts';
import { createMetrics } from '../../src/metrics/registry.ts';
import { healthWait, quickRpc, sshWork } from '../../src/workflows/activity-options.ts';
import { anchorsOf } from '../support/markdown.ts';
import { alertRules, prometheusBin, RULES_FILE } from './alert-rules.ts';

// monitoring/vesemir-alerts.yml: promtool's own checks and unit tests
// (monitoring/vesemir-alerts.test.yml), then the rules held to the code:
// metrics that exist, runbook sections that exist, the step timeouts.

const promtool = prometheusBin('promtool');
const rules = alertRules();
const promtoolRun = (...args: string[]) => execFileSync(promtool, args, { cwd: dirname(RULES_FILE), encoding: 'utf8' });

describe('monitoring/vesemir-alerts.yml', () => {
  it('passes `promtool check rules`', () => {
    expect(promtoolRun('check', 'rules', 'vesemir-alerts.yml')).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('passes its `promtool test rules` unit tests', () => {
    expect(promtoolRun('test', 'rules', 'vesemir-alerts.test.yml')).toContain('SUCCESS');
  });

  it('has the alerts issue 16 asks for, each with a severity, a summary and a runbook link', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'VesemirHostQuarantined',
      'VesemirDeployFailed',
      'VesemirDeployStuck',
      'VesemirQueueStale',
      'VesemirProvisioningFailing',
      'VesemirWorkerTaskSlotsExhausted',
      'VesemirWorkerNotPolling',
    ]);
    for (const r of rules) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toMatch(/./);
    }
    // A host left drained must be seen at once.
    expect(rules.find((r) => r.alert === 'VesemirHostQuarantined')).toMatchObject({ for: '0m', labels: { severity: 'critical' } });
  });

  it("links sections of the runbook that exist, under VESEMIR_DOCS_URL's default", () => {
    const anchors = anchorsOf(readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8'));
    for (const r of rules) {
      const [base, anchor] = (r.annotations.runbook_url ?? '').split('#');
      expect(base, r.alert).toBe(RUNBOOK_PATH);
      expect([...anchors], r.alert).toContain(anchor);
    }
  });

  it('uses only Vesemir metrics that exist, with labels they have', () => {
    const registry = createMetrics({ processMetrics: false }).registry;
    for (const r of rules) {
      for (const [, name, selector] of r.expr.matchAll(/\b(vesemir_[a-z_]+)(\{[^}]*\})?/g)) {
        const metric = registry.getSingleMetric(name!) as unknown as { labelNames?: string[] } | undefined;
        expect(metric, `${name} in ${r.alert}`).toBeDefined();
        for (const [, label] of (selector ?? '').matchAll(/([a-z_]+)\s*[!=]~?/g)) expect(metric?.labelNames, `${label} of ${name}`).toContain(label);
      }
    }
  });

  it("calls a step stuck past its class's start-to-close timeout (src/workflows/activity-options.ts)", () => {
    const expr = rules.find((r) => r.alert === 'VesemirDeployStuck')?.expr ?? '';
    const threshold = (selector: string) => Number(/>\s*(\d+)\s*$/.exec(expr.split('\n').find((line) => line.includes(`{step${selector}"}`)) ?? '')?.[1]);
    const seconds = (o: { startToCloseTimeout?: string | number }) => msToNumber(o.startToCloseTimeout ?? 0) / 1000;
    expect(threshold('=~"stage|activate|restart|rollback-activate|rollback-restart')).toBe(seconds(sshWork));
    // The longest health wait a request may ask for (src/domain/deploy-request.ts: timeoutSeconds ≤ 1800).
    expect(threshold('=~"health|rollback-health')).toBe(seconds(healthWait(1800)));
    expect(threshold('!~"stage|activate|restart|rollback-activate|rollback-restart|health|rollback-health')).toBe(seconds(quickRpc));
  });
});
