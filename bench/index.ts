/**
 * `npm run bench`: Vesemir against an Ansible playbook and a bare ssh2
 * script on the same real fleet, its per-step overhead, its API latency and
 * a 1,000-host deploy on the real Temporal dev server. Prints one table per
 * section and writes bench/results/latest.json.
 *
 *   npm run bench -- [--runs 5] [--only fleet,api,scale] [--hosts 1000] [--scale-concurrency 50]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Fleet, startFleet } from '../test/fleet/fleet.ts';
import { startPostgres } from '../test/fleet/postgres.ts';
import { prepareAnsible } from './ansible.ts';
import { type ApiLatency, hasDryRun, measureApi } from './api-latency.ts';
import { type ConcurrencyResult, compareOnFleet } from './compare.ts';
import { prepareFloor } from './floor.ts';
import { describeMachine, loadNow } from './machine.ts';
import { deployThroughApi } from './ours.ts';
import { measureOverhead, type OverheadSamples } from './overhead.ts';
import { millis, progress, seconds, table, verdict } from './report.ts';
import { probePglite, runScale, type ScaleResult } from './scale.ts';
import { median, percentile, round } from './stats.ts';
import { benchBundle, startBenchTemporal } from './temporal.ts';
import { type BenchVesemir, startBenchVesemir } from './vesemir.ts';

/** The targets of issue 7. */
const TARGET = { vsAnsible: 0.2, vsFloor: 2.5, overheadP50Ms: 40, historyEvents: 10_000, rssMb: 400, apiP99Ms: 50 };

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string', default: 'fleet,api,scale' },
    hosts: { type: 'string', default: '1000' },
    'scale-concurrency': { type: 'string', default: '50' },
  },
});
const sections = new Set(opts.only.split(','));
const runs = Math.max(1, Number(opts.runs));

async function main(): Promise<number> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e: Error) => progress(`cleanup: ${e.message}`));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  const machine = describeMachine();
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine, options: { runs, only: [...sections] } };
  const verdicts: { what: string; pass: boolean }[] = [];
  const work = mkdtempSync(join(tmpdir(), 'vesemir-bench-'));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  try {
    progress('starting the Temporal dev server');
    const temporal = await startBenchTemporal();
    cleanups.push(temporal.stop);

    const bundle = await benchBundle();
    if (sections.has('fleet') || sections.has('api')) {
      progress('starting the fleet: goiardi, HAProxy, LB box, 6 fake VMs');
      const fleet = await startFleet({ vms: 6 });
      cleanups.push(fleet.stop);
      const vesemir = await startBenchVesemir({ temporalAddress: temporal.address, bundle, env: fleet.env, dataDir: join(work, 'vesemir') });
      cleanups.push(vesemir.close);
      let lastDeploymentId: string | undefined;
      if (sections.has('fleet'))
        await section(results, verdicts, 'fleet', async () => {
          const compared = await compareOnFleet({
            fleet,
            vesemir,
            ansible: prepareAnsible(fleet, join(work, 'ansible')),
            floor: prepareFloor(fleet),
            concurrencies: [1, 3, 6],
            runs,
          });
          const report = reportFleet(compared, verdicts);
          lastDeploymentId = compared.at(-1)?.ourRuns.at(-1)?.id;
          progress('reading workflow histories and step records');
          const samples = await measureOverhead(
            vesemir.client,
            vesemir.store,
            compared.flatMap((c) => c.ourRuns),
          );
          results.overhead = reportOverhead(samples, verdicts);
          return report;
        });
      if (sections.has('api'))
        await section(results, verdicts, 'api', async () => {
          progress('API latency: 50 concurrent clients');
          return reportApi(await apiSection(fleet, vesemir, lastDeploymentId), verdicts);
        });
    }
    if (sections.has('scale'))
      await section(results, verdicts, 'scale', async () => {
        const hosts = Number(opts.hosts);
        const concurrency = Number(opts['scale-concurrency']);
        // The worker as deployed: a prebuilt bundle and a real Postgres (DATABASE_URL), so its RSS is its own.
        const bundlePath = join(work, 'workflow-bundle.js');
        writeFileSync(bundlePath, bundle.code);
        const postgres = await startPostgres();
        cleanups.push(postgres.stop);
        progress(`scale: ${hosts} hosts (no-op transport), concurrency ${concurrency}, on the dev server`);
        const scale = await runScale({ address: temporal.address, hosts, concurrency, bundlePath, databaseUrl: postgres.url });
        return reportScale(scale, await probePglite(), verdicts);
      });
  } finally {
    await cleanup();
  }
  machine.loadAvgEnd = loadNow();
  results.verdicts = verdicts;
  const failed = verdicts.some((v) => v.what.startsWith('section '));
  console.log(
    table(
      'Summary',
      ['target', 'result'],
      verdicts.map((v) => [v.what, verdict(v.pass)]),
    ),
  );
  console.log(
    `machine: ${machine.nproc} × ${machine.cpuModel}, node ${machine.node}, load ${machine.loadAvgStart.toFixed(1)} → ${machine.loadAvgEnd.toFixed(1)}`,
  );
  const out = fileURLToPath(new URL('./results/latest.json', import.meta.url));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written: ${out}`);
  // Misses are results; a section that could not run is a failure of the bench.
  return failed ? 1 : 0;
}

/** Runs one section; a failure is recorded (and counted as a miss) and the next section still runs. */
async function section(
  results: Record<string, unknown>,
  verdicts: { what: string; pass: boolean }[],
  name: string,
  body: () => Promise<unknown>,
): Promise<void> {
  try {
    results[name] = await body();
  } catch (err) {
    const message = (err as Error).message;
    progress(`section ${name} failed: ${message}`);
    results[name] = { error: message };
    verdicts.push({ what: `section ${name} ran to the end (${message.split('\n')[0]!.slice(0, 80)})`, pass: false });
  }
}

function reportFleet(compared: ConcurrencyResult[], verdicts: { what: string; pass: boolean }[]) {
  const rows = compared.map((c) => {
    const m = { ours: median(c.ms.ours), ansible: median(c.ms.ansible), floor: median(c.ms.floor) };
    const vsAnsible = m.ours / m.ansible;
    const vsFloor = m.ours / m.floor;
    verdicts.push({ what: `c=${c.concurrency}: ours/Ansible ≤ ${TARGET.vsAnsible}`, pass: vsAnsible <= TARGET.vsAnsible });
    verdicts.push({ what: `c=${c.concurrency}: ours/floor ≤ ${TARGET.vsFloor}`, pass: vsFloor <= TARGET.vsFloor });
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
      'Deploy of 6 VMs, tiny changeset (medians; every run a new version, verified)',
      ['concurrency', 'runs', 'Vesemir', 'Ansible', 'floor (ssh2)', 'ours/Ansible', '', 'ours/floor', ''],
      rows.map((r) => [
        r.concurrency,
        r.runs,
        seconds(r.medianMs.ours),
        seconds(r.medianMs.ansible),
        seconds(r.medianMs.floor),
        r.vsAnsible.toFixed(3),
        verdict(r.vsAnsible <= TARGET.vsAnsible),
        `${r.vsFloor.toFixed(2)}×`,
        verdict(r.vsFloor <= TARGET.vsFloor),
      ]),
    ),
  );
  return rows;
}

function reportOverhead(s: OverheadSamples, verdicts: { what: string; pass: boolean }[]) {
  const row = (name: string, values: number[], target?: number) => ({
    name,
    samples: values.length,
    p50Ms: round(percentile(values, 50), 1),
    p90Ms: round(percentile(values, 90), 1),
    target,
  });
  const rows = [
    row("between steps: a step's start − the previous step's end", s.betweenStepsMs, TARGET.overheadP50Ms),
    row('host workflow start → first step starts', s.hostStartToFirstStepMs),
    row('all-in per host-step: (host workflow − Σ step work) / steps', s.perHostStepMs),
  ];
  verdicts.push({ what: `overhead per host-step p50 ≤ ${TARGET.overheadP50Ms} ms`, pass: rows[0]!.p50Ms <= TARGET.overheadP50Ms });
  console.log(
    table(
      'Orchestration overhead per host-step (all of our fleet runs; recorded step timings, host workflow start and end)',
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
      'Step work (recorded in the store, all of our fleet runs)',
      ['step', 'samples', 'p50', 'p90'],
      work.map((w) => [w.step, w.samples, millis(w.p50Ms), millis(w.p90Ms)]),
    ),
  );
  return { overhead: rows, stepWork: work };
}

async function apiSection(fleet: Fleet, vesemir: BenchVesemir, lastId: string | undefined): Promise<ApiLatency> {
  const artifact = await fleet.release('api-dry-run');
  const body = fleet.deployRequest('api-dry-run', artifact, { concurrency: 2 });
  await vesemir.api.ready(); // its OpenAPI document (hasDryRun) exists from here on
  // Without a dry run the fallback reads a real deployment with its hosts and steps.
  const id = lastId ?? (hasDryRun(vesemir.api) ? '' : (await deployThroughApi(vesemir, fleet.deployRequest('v2', await fleet.release('v2')))).id);
  return measureApi(vesemir.api, { clients: 50, requests: 5000, warmupSeconds: 2, dryRunBody: body, fallbackDeploymentId: id });
}

function reportApi(a: ApiLatency, verdicts: { what: string; pass: boolean }[]) {
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

function reportScale(s: ScaleResult, pgliteMb: number, verdicts: { what: string; pass: boolean }[]) {
  const largest = Math.max(s.parentHistoryEvents, s.largestHostHistoryEvents, s.lockHistoryEvents);
  verdicts.push({ what: `${s.hosts} hosts: largest history < ${TARGET.historyEvents} events`, pass: largest < TARGET.historyEvents });
  verdicts.push({ what: `${s.hosts} hosts: worker peak RSS < ${TARGET.rssMb} MB`, pass: s.peakRssMb < TARGET.rssMb });
  console.log(
    table(
      `Scale: ${s.hosts} hosts, no-op transport, concurrency ${s.concurrency}, real Temporal dev server`,
      ['measure', 'value', 'target'],
      [
        ['wall time (POST → SUCCEEDED)', seconds(s.wallMs), ''],
        ['parent deploy history', `${s.parentHistoryEvents} events`, `< ${TARGET.historyEvents} ${verdict(s.parentHistoryEvents < TARGET.historyEvents)}`],
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

function mapValues<K extends string, T, U>(o: Record<K, T>, f: (v: T) => U): Record<K, U> {
  return Object.fromEntries(Object.entries<T>(o).map(([k, v]) => [k, f(v)])) as Record<K, U>;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
