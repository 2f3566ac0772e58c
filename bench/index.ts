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
import { compareOnFleet } from './compare.ts';
import { prepareFloor } from './floor.ts';
import { describeMachine, loadNow } from './machine.ts';
import { deployThroughApi } from './ours.ts';
import { measureOverhead } from './overhead.ts';
import { progress, table, verdict } from './report.ts';
import { probePglite, runScale } from './scale.ts';
import { reportApi, reportFleet, reportOverhead, reportScale, type Verdict } from './section-reports.ts';
import { benchBundle, startBenchTemporal } from './temporal.ts';
import { type BenchVesemir, startBenchVesemir } from './vesemir.ts';

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
  const verdicts: Verdict[] = [];
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
  return measureApi(vesemir.api, { clients: 50, requests: 5000, warmupSeconds: 2, dryRunBody: body, fallbackDeploymentId: id });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
