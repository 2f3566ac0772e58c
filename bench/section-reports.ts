/**
 * Each section's report: prints its table, pushes its verdicts and returns
 * what goes into bench/results/latest.json.
 */

import type { ApiLatency } from './api-latency.ts';
import type { ConcurrencyResult } from './compare.ts';
import type { OverheadSamples } from './overhead.ts';
import { millis, seconds, table, verdict } from './report.ts';
import { median, percentile, round } from './stats.ts';

/** What the bench holds Vesemir to; a miss is a result, listed in the summary. */
export const TARGET = { vsAnsible: 0.2, vsFloor: 1.3, overheadP50Ms: 25, historyEvents: 10_000, rssMb: 400, apiP99Ms: 50 };

/** The network and app a fleet table was measured under; only the judged latency gets verdicts. */
export interface FleetConditions {
  latencyMs: number;
  appStartupMs: number;
  judged: boolean;
}

const conditionsText = (c: FleetConditions) => `${c.latencyMs} ms one-way latency (toxiproxy), app startup ${c.appStartupMs} ms`;
/** PASS/MISS where the target applies, a dash where it does not. */
const judge = (c: FleetConditions, pass: boolean) => (c.judged ? verdict(pass) : '—');

/** One target of the summary, met or missed. */
export interface Verdict {
  what: string;
  pass: boolean;
}

export function reportFleet(compared: ConcurrencyResult[], verdicts: Verdict[], conditions: FleetConditions) {
  const rows = compared.map((c) => {
    const m = { ours: median(c.ms.ours), ansible: median(c.ms.ansible), floor: median(c.ms.floor) };
    const vsAnsible = m.ours / m.ansible;
    const vsFloor = m.ours / m.floor;
    if (conditions.judged) {
      const at = `${conditions.latencyMs} ms, c=${c.concurrency}`;
      verdicts.push({ what: `${at}: ours/Ansible ≤ ${TARGET.vsAnsible}`, pass: vsAnsible <= TARGET.vsAnsible });
      verdicts.push({ what: `${at}: ours/floor ≤ ${TARGET.vsFloor}`, pass: vsFloor <= TARGET.vsFloor });
    }
    return {
      concurrency: c.concurrency,
      runs: c.ms.ours.length,
      medianMs: mapValues(m, (v) => round(v)),
      samplesMs: mapValues(c.ms, (a) => a.map((v) => round(v))),
      vsAnsible: round(vsAnsible, 3),
      vsFloor: round(vsFloor, 2),
    };
  });
  console.log(
    table(
      `Deploy of 6 VMs, tiny changeset, ${conditionsText(conditions)} (medians; every run a new version, verified)`,
      ['concurrency', 'runs', 'Vesemir', 'Ansible', 'floor (ssh2)', 'ours/Ansible', '', 'ours/floor', ''],
      rows.map((r) => [
        r.concurrency,
        r.runs,
        seconds(r.medianMs.ours),
        seconds(r.medianMs.ansible),
        seconds(r.medianMs.floor),
        r.vsAnsible.toFixed(3),
        judge(conditions, r.vsAnsible <= TARGET.vsAnsible),
        `${r.vsFloor.toFixed(2)}×`,
        judge(conditions, r.vsFloor <= TARGET.vsFloor),
      ]),
    ),
  );
  return rows;
}

export function reportOverhead(s: OverheadSamples, verdicts: Verdict[], conditions: FleetConditions) {
  const row = (name: string, values: number[], target?: number) => ({
    name,
    samples: values.length,
    p50Ms: round(percentile(values, 50), 1),
    p90Ms: round(percentile(values, 90), 1),
    target,
  });
  const rows = [
    row("between steps: a step's start − the previous step's end", s.betweenStepsMs),
    row('host workflow start → first step starts', s.hostStartToFirstStepMs),
    row('all-in per host-step: (host workflow − Σ step work) / steps', s.perHostStepMs, conditions.judged ? TARGET.overheadP50Ms : undefined),
  ];
  if (conditions.judged) {
    const pass = rows[2]!.p50Ms <= TARGET.overheadP50Ms;
    verdicts.push({ what: `${conditions.latencyMs} ms: orchestration overhead per host-step p50 ≤ ${TARGET.overheadP50Ms} ms`, pass });
  }
  console.log(
    table(
      `Orchestration overhead per host-step, ${conditionsText(conditions)} (our runs; recorded step timings, host workflow start and end)`,
      ['measure', 'samples', 'p50', 'p90', 'target'],
      rows.map((r) => [r.name, r.samples, millis(r.p50Ms), millis(r.p90Ms), r.target ? `p50 ≤ ${r.target} ms ${verdict(r.p50Ms <= r.target)}` : '']),
    ),
  );
  // Where the host time goes, for whoever tunes the steps themselves.
  const work = Object.entries(s.stepWorkMs).map(([step, v]) => ({
    step,
    samples: v.length,
    p50Ms: round(percentile(v, 50), 1),
    p90Ms: round(percentile(v, 90), 1),
  }));
  console.log(
    table(
      `Step work, ${conditionsText(conditions)} (recorded in the store, our runs)`,
      ['step', 'samples', 'p50', 'p90'],
      work.map((w) => [w.step, w.samples, millis(w.p50Ms), millis(w.p90Ms)]),
    ),
  );
  return { overhead: rows, stepWork: work };
}

export function reportApi(a: ApiLatency, verdicts: Verdict[]) {
  const ok2xx = Object.entries(a.statuses).every(([code]) => code.startsWith('2'));
  const pass = a.p99Ms < TARGET.apiP99Ms && ok2xx;
  verdicts.push({ what: `API p99 < ${TARGET.apiP99Ms} ms (${a.dryRunAvailable ? 'dryRun' : 'GET fallback'})`, pass });
  console.log(
    table(
      `API latency, ${a.clients} concurrent clients (${a.loadGenerator}; ${a.warmupSeconds} s warm-up, then ${a.requests} requests), real HTTP on loopback`,
      ['endpoint', 'requests', 'p50', 'p99', 'max', 'statuses', 'target'],
      [[a.endpoint, a.requests, millis(a.p50Ms), millis(a.p99Ms), millis(a.maxMs), JSON.stringify(a.statuses), `p99 < ${TARGET.apiP99Ms} ms ${verdict(pass)}`]],
    ),
  );
  return { ...a, p50Ms: round(a.p50Ms, 1), p99Ms: round(a.p99Ms, 1) };
}

function mapValues<K extends string, T, U>(o: Record<K, T>, f: (v: T) => U): Record<K, U> {
  return Object.fromEntries(Object.entries<T>(o).map(([k, v]) => [k, f(v)])) as Record<K, U>;
}
