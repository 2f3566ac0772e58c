/** The scale section's reports: the largest deploy, the growth table, many deploys at once. */

import { millis, seconds, table, verdict } from './report.ts';
import type { ConcurrentResult, ScaleResult } from './scale.ts';
import { TARGET, type Verdict } from './section-reports.ts';
import { percentile, round } from './stats.ts';

export function reportScale(s: ScaleResult, pgliteMb: number, verdicts: Verdict[]) {
  const largest = Math.max(s.parentHistoryEvents, s.largestHostHistoryEvents, s.lockHistoryEvents);
  verdicts.push({ what: `${s.hosts} hosts: largest history < ${TARGET.historyEvents} events`, pass: largest < TARGET.historyEvents });
  verdicts.push({ what: `${s.hosts} hosts: worker peak RSS < ${TARGET.rssMb} MB`, pass: s.peakRssMb < TARGET.rssMb });
  console.log(
    table(
      `Scale: ${s.hosts} hosts, no-op transport, concurrency ${s.concurrency}, real Temporal dev server`,
      ['measure', 'value', 'target'],
      [
        ['wall time (POST → SUCCEEDED)', seconds(s.wallMs), ''],
        [
          `deploy workflow history, largest of its ${s.parentRuns} runs`,
          `${s.parentHistoryEvents} events`,
          `< ${TARGET.historyEvents} ${verdict(s.parentHistoryEvents < TARGET.historyEvents)}`,
        ],
        [
          'deploy workflow result (every host, the snapshot)',
          `${s.resultKb.toFixed(0)} KB`,
          `< 2,048 KB (Temporal's blob limit) ${verdict(s.resultKb < 2048)}`,
        ],
        ['largest host history', `${s.largestHostHistoryEvents} events`, ''],
        ['lock workflow history', `${s.lockHistoryEvents} events`, ''],
        [`worker peak RSS (VmHWM; worker + API, ${s.database})`, `${s.peakRssMb.toFixed(0)} MB`, `< ${TARGET.rssMb} MB ${verdict(s.peakRssMb < TARGET.rssMb)}`],
        ['  RSS once started, before the deploy', `${s.baselineRssMb.toFixed(0)} MB`, ''],
        ['  of the peak: V8 heap / outside it (buffers, native), sampled', `${s.peakHeapTotalMb.toFixed(0)} / ${s.peakExternalMb.toFixed(0)} MB`, ''],
        ['  + in-memory PGlite (embedded default)', `+${pgliteMb.toFixed(0)} MB`, 'not in the figure above'],
      ],
    ),
  );
  return {
    ...s,
    wallMs: round(s.wallMs),
    peakRssMb: round(s.peakRssMb),
    baselineRssMb: round(s.baselineRssMb),
    pgliteInMemoryMb: round(pgliteMb),
    largestHistoryEvents: largest,
  };
}

/** Time, RSS and events per deploy size, so the cost curve is visible. */
export function reportGrowth(runs: ScaleResult[]) {
  const rows = runs.map((s) => ({
    hosts: s.hosts,
    wallMs: round(s.wallMs),
    msPerHost: round(s.wallMs / s.hosts, 1),
    peakRssMb: round(s.peakRssMb),
    parentHistoryEvents: s.parentHistoryEvents,
    parentRuns: s.parentRuns,
    largestHostHistoryEvents: s.largestHostHistoryEvents,
  }));
  console.log(
    table(
      'Growth: one deploy per size, each in a fresh worker process (no-op transport, same concurrency)',
      ['hosts', 'wall time', 'per host', 'peak RSS', 'deploy history (largest run)', 'runs', 'largest host history'],
      rows.map((r) => [
        r.hosts,
        seconds(r.wallMs),
        millis(r.msPerHost),
        `${r.peakRssMb} MB`,
        `${r.parentHistoryEvents} events`,
        r.parentRuns,
        `${r.largestHostHistoryEvents} events`,
      ]),
    ),
  );
  return rows;
}

/** Many applications deployed at once on one worker: total time, per-step overhead, task slots. */
export function reportConcurrent(c: ConcurrentResult, verdicts: Verdict[]) {
  const what = `${c.apps} concurrent deploys × ${c.hostsPerApp} hosts`;
  const allSucceeded = c.succeeded === c.apps;
  verdicts.push({ what: `${what}: all SUCCEEDED (${c.succeeded}/${c.apps})`, pass: allSucceeded });
  // No samples (JSON turns NaN into null) is no pass.
  const overheadPass = Number.isFinite(c.stepGapP50Ms) && c.stepGapP50Ms <= TARGET.overheadP50Ms;
  verdicts.push({ what: `${what}: per-step overhead p50 ≤ ${TARGET.overheadP50Ms} ms`, pass: overheadPass });
  verdicts.push({ what: `${what}: worker peak RSS < ${TARGET.rssMb} MB`, pass: c.peakRssMb < TARGET.rssMb });
  const slots = Object.entries(c.taskSlots).map(([type, f]) => [
    `task slots free, ${type} (most / fewest; share of samples with none free)`,
    `${f.most} / ${f.fewest}; ${(f.saturatedShare * 100).toFixed(0)} % of ${f.samples}`,
    '',
  ]);
  console.log(
    table(
      `${what} (concurrency ${c.concurrency} each), one worker, no-op transport, real Temporal dev server`,
      ['measure', 'value', 'target'],
      [
        ['deploys SUCCEEDED', `${c.succeeded} / ${c.apps}`, `all ${verdict(allSucceeded)}`],
        ['total time (first POST → last result)', seconds(c.totalMs), ''],
        ['one deploy (POST → result), p50 / p99', `${seconds(percentile(c.deployMs, 50))} / ${seconds(percentile(c.deployMs, 99))}`, ''],
        [
          `per-step overhead (a step's start − the previous step's end), p50 / p99 of ${c.stepGaps}`,
          `${millis(c.stepGapP50Ms)} / ${millis(c.stepGapP99Ms)}`,
          `p50 ≤ ${TARGET.overheadP50Ms} ms ${verdict(overheadPass)}`,
        ],
        [`worker peak RSS (VmHWM; worker + API, ${c.database})`, `${c.peakRssMb.toFixed(0)} MB`, `< ${TARGET.rssMb} MB ${verdict(c.peakRssMb < TARGET.rssMb)}`],
        ...(slots.length > 0 ? slots : [['task slots (temporal_worker_task_slots_available)', 'not exported', '']]),
      ],
    ),
  );
  for (const f of c.failures) console.log(`  failed: ${f.slice(0, 300)}`);
  return { ...c, totalMs: round(c.totalMs), deployMs: c.deployMs.map((v) => round(v)), peakRssMb: round(c.peakRssMb) };
}
