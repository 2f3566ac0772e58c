/**
 * Many deploys of different applications at once on one worker (no-op
 * transport), in a process of its own like bench/scale-child.ts. Prints one
 * JSON line prefixed with CONCURRENT_RESULT on stdout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StepSummary } from '../src/domain/deployment.ts';
import { createLogger } from '../src/logger.ts';
import { installTemporalRuntime } from '../src/temporal/runtime.ts';
import { freePort } from '../test/fleet/net.ts';
import { answerParent } from './child.ts';
import { vmHwmMb } from './machine.ts';
import { noopArtifacts, noopHealth, noopLoadBalancer, noopRemote, scaleHosts } from './noop-ports.ts';
import { deployThroughApi } from './ours.ts';
import { CONCURRENT_MARKER, type ConcurrentResult, scaleTimeoutMs } from './scale.ts';
import { noopChefOf, scaleDeployBody, writeScaleApps } from './scale-apps.ts';
import { percentile } from './stats.ts';
import { sampleTaskSlots } from './task-slots.ts';
import { startBenchVesemir } from './vesemir.ts';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    apps: { type: 'string' },
    'hosts-per-app': { type: 'string' },
    concurrency: { type: 'string' },
    bundle: { type: 'string' },
    'database-url': { type: 'string' },
  },
});

/** Per host, each step's recorded start − the previous step's recorded end. */
function gapsBetweenSteps(steps: StepSummary[]): number[] {
  const byHost = new Map<string, (StepSummary & { finishedAt: Date })[]>();
  for (const s of steps) {
    if (s.attempt !== 1 || s.finishedAt === undefined) continue;
    byHost.set(s.host, [...(byHost.get(s.host) ?? []), s as StepSummary & { finishedAt: Date }]);
  }
  return [...byHost.values()].flatMap((host) => {
    const sorted = host.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    return sorted.slice(1).map((s, i) => s.startedAt.getTime() - sorted[i]!.finishedAt.getTime());
  });
}

async function main(): Promise<ConcurrentResult> {
  const appCount = Number(values.apps);
  const hostsPerApp = Number(values['hosts-per-app']);
  const concurrency = Number(values.concurrency);
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  installTemporalRuntime(createLogger('error'), { prometheusBindAddress: metricsAddress });
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-concurrent-'));
  const apps = Array.from({ length: appCount }, (_, i) => `app${String(i + 1).padStart(3, '0')}`);
  const hostsByApp = new Map(apps.map((app) => [app, scaleHosts(hostsPerApp, app)]));
  const v = await startBenchVesemir({
    temporalAddress: values.address!,
    bundle: { code: readFileSync(values.bundle!, 'utf8') },
    env: { VESEMIR_APPS_FILE: writeScaleApps(join(dir, 'applications.yaml'), apps), TEMPORAL_METRICS_BIND_ADDRESS: metricsAddress },
    dataDir: join(dir, 'data'),
    databaseUrl: values['database-url'],
    tune: { chef: noopChefOf(hostsByApp), remote: noopRemote, loadBalancer: noopLoadBalancer, health: noopHealth, artifacts: noopArtifacts },
  });
  try {
    const slots = sampleTaskSlots(`http://${metricsAddress}/metrics`);
    const start = performance.now();
    const timeoutMs = scaleTimeoutMs(appCount * hostsPerApp);
    const settled = await Promise.allSettled(apps.map((app) => deployThroughApi(v, scaleDeployBody(app, concurrency), timeoutMs)));
    const totalMs = performance.now() - start;
    const peakRssMb = vmHwmMb();
    const taskSlots = await slots.stop();
    const runs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
    const gaps: number[] = [];
    for (const run of runs) gaps.push(...gapsBetweenSteps(await v.store.listSteps(run.id)));
    return {
      apps: appCount,
      hostsPerApp,
      concurrency,
      succeeded: runs.length,
      failures: failures.slice(0, 3),
      totalMs,
      deployMs: runs.map((r) => r.ms),
      stepGaps: gaps.length,
      stepGapP50Ms: percentile(gaps, 50),
      stepGapP99Ms: percentile(gaps, 99),
      peakRssMb,
      taskSlots,
      database: values['database-url'] ? 'postgres' : 'pglite',
    };
  } finally {
    await v.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

answerParent(CONCURRENT_MARKER, 'concurrent deploys bench', main());
