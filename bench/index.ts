/**
 * `npm run bench`: Vesemir against an Ansible playbook and a bare ssh2
 * script on the same real fleet behind toxiproxy (0 and 25 ms one-way), its
 * per-step overhead, its API latency, deploys of up to 10,000 hosts and 100
 * deploys at once on the real Temporal dev server. Prints one table per
 * section and writes bench/results/latest.json (docs/benchmarks.md).
 *
 *   npm run bench -- [--quick] [--runs 5] [--only fleet,api,scale,concurrent] [--hosts 10000] [--scale-concurrency 50]
 *                    [--concurrent-apps 100] [--hosts-per-app 20]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Fleet, startFleet } from '../test/fleet/fleet.ts';
import { startPostgres } from '../test/fleet/postgres.ts';
import { type ApiLatency, hasDryRun, measureApi } from './api-latency.ts';
import { APP_STARTUP_MS, fleetSection } from './fleet-section.ts';
import { describeMachine, loadNow } from './machine.ts';
import { deployThroughApi } from './ours.ts';
import { progress, table, verdict } from './report.ts';
import { probePglite, runConcurrent, runScale } from './scale.ts';
import { reportConcurrent, reportGrowth, reportScale } from './scale-reports.ts';
import { reportApi, type Verdict } from './section-reports.ts';
import { benchBundle, startBenchTemporal } from './temporal.ts';
import { startToxiproxy, throughToxiproxy } from './toxiproxy.ts';
import { type BenchVesemir, startBenchVesemir } from './vesemir.ts';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string', default: 'fleet,api,scale' },
    hosts: { type: 'string' },
    'scale-concurrency': { type: 'string', default: '50' },
    'concurrent-apps': { type: 'string' },
    'hosts-per-app': { type: 'string' },
  },
});
/** --quick: every code path with small sizes; an option given explicitly still wins. */
const sizes = opts.quick
  ? { runs: 1, hosts: 200, apps: 10, hostsPerApp: 5, apiRequests: 500 }
  : { runs: 5, hosts: 10_000, apps: 100, hostsPerApp: 20, apiRequests: 5000 };
const sections = new Set(opts.only.split(','));
const runs = Math.max(1, Number(opts.runs ?? sizes.runs));
/** Each concurrent deploy's own host concurrency. */
const CONCURRENT_DEPLOY_CONCURRENCY = 5;

async function main(): Promise<number> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e: Error) => progress(`cleanup: ${e.message}`));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  const machine = describeMachine();
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine, options: { quick: opts.quick, runs, only: [...sections], sizes } };
  const verdicts: Verdict[] = [];
  const work = mkdtempSync(join(tmpdir(), 'vesemir-bench-'));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  try {
    progress('starting the Temporal dev server');
    const temporal = await startBenchTemporal();
    cleanups.push(temporal.stop);

    const bundle = await benchBundle();
    if (sections.has('fleet') || sections.has('api')) {
      progress('starting toxiproxy and the fleet: goiardi, HAProxy, LB box, 6 fake VMs, each reached through toxiproxy');
      const toxiproxy = await startToxiproxy();
      cleanups.push(toxiproxy.stop);
      const fleet = await startFleet({ vms: 6, appStartupMs: APP_STARTUP_MS, reachVia: throughToxiproxy(toxiproxy) });
      cleanups.push(fleet.stop);
      const vesemir = await startBenchVesemir({ temporalAddress: temporal.address, bundle, env: fleet.env, dataDir: join(work, 'vesemir') });
      cleanups.push(vesemir.close);
      let lastDeploymentId: string | undefined;
      if (sections.has('fleet'))
        await section(results, verdicts, 'fleet', async () => {
          const done = await fleetSection({ fleet, vesemir, toxiproxy, work, runs, concurrencies: [1, 3, 6] }, verdicts);
          lastDeploymentId = done.lastDeploymentId;
          return done.report;
        });
      if (sections.has('api'))
        await section(results, verdicts, 'api', async () => {
          progress('API latency: 50 concurrent clients');
          return reportApi(await apiSection(fleet, vesemir, lastDeploymentId), verdicts);
        });
    }
    if (sections.has('scale') || sections.has('concurrent')) {
      // The worker as deployed: a prebuilt bundle and a real Postgres (DATABASE_URL), so its RSS is its own.
      const bundlePath = join(work, 'workflow-bundle.js');
      writeFileSync(bundlePath, bundle.code);
      const postgres = await startPostgres();
      cleanups.push(postgres.stop);
      const base = { address: temporal.address, concurrency: Number(opts['scale-concurrency']), bundlePath, databaseUrl: postgres.url };
      if (sections.has('scale'))
        await section(results, verdicts, 'scale', async () => {
          const hosts = Number(opts.hosts ?? sizes.hosts);
          const growth = [];
          for (const size of [...new Set([Math.round(hosts / 100), Math.round(hosts / 10), hosts])].filter((n) => n >= 1)) {
            progress(`scale: ${size} hosts (no-op transport), concurrency ${base.concurrency}, on the dev server`);
            growth.push(await runScale({ ...base, hosts: size }));
          }
          const largest = reportScale(growth.at(-1)!, await probePglite(), verdicts);
          return { largest, growth: reportGrowth(growth) };
        });
      // A section of its own (also run by --only scale): a failed 10,000-host deploy does not hide it.
      await section(results, verdicts, 'concurrent', async () => {
        const apps = Number(opts['concurrent-apps'] ?? sizes.apps);
        const hostsPerApp = Number(opts['hosts-per-app'] ?? sizes.hostsPerApp);
        progress(`concurrent: ${apps} deploys of ${hostsPerApp} hosts each at once on one worker`);
        return reportConcurrent(await runConcurrent({ ...base, concurrency: CONCURRENT_DEPLOY_CONCURRENCY, apps, hostsPerApp }), verdicts);
      });
    }
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
async function section(results: Record<string, unknown>, verdicts: Verdict[], name: string, body: () => Promise<unknown>): Promise<void> {
  try {
    results[name] = await body();
  } catch (err) {
    const message = (err as Error).message;
    progress(`section ${name} failed: ${message}`);
    results[name] = { error: message };
    verdicts.push({ what: `section ${name} ran to the end (${message.split('\n')[0]!.slice(0, 80)})`, pass: false });
  }
}

async function apiSection(fleet: Fleet, vesemir: BenchVesemir, lastId: string | undefined): Promise<ApiLatency> {
  const artifact = await fleet.release('api-dry-run');
  const body = fleet.deployRequest('api-dry-run', artifact, { concurrency: 2 });
  await vesemir.api.ready(); // its OpenAPI document (hasDryRun) exists from here on
  // Without a dry run the fallback reads a real deployment with its hosts and steps.
  const id = lastId ?? (hasDryRun(vesemir.api) ? '' : (await deployThroughApi(vesemir, fleet.deployRequest('v2', await fleet.release('v2')))).id);
  return measureApi(vesemir.api, { clients: 50, requests: sizes.apiRequests, warmupSeconds: 2, dryRunBody: body, fallbackDeploymentId: id });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
