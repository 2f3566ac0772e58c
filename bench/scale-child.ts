/**
 * The scale bench, in a process of its own so that its peak RSS is the
 * worker's (all in one like `main`: worker + API + PGlite), not the
 * bench's. Prints one JSON line prefixed with SCALE_RESULT on stdout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/adapters/store/db.ts';
import { createLogger } from '../src/logger.ts';
import { installTemporalRuntime } from '../src/temporal/runtime.ts';
import { deployWorkflowId, hostWorkflowId, lockWorkflowId } from '../src/workflows/definitions.ts';
import { answerParent } from './child.ts';
import { vmHwmMb } from './machine.ts';
import { noopArtifacts, noopChef, noopHealth, noopLoadBalancer, noopRemote, scaleHosts } from './noop-ports.ts';
import { deployThroughApi } from './ours.ts';
import { SCALE_MARKER, type ScaleResult, scaleTimeoutMs } from './scale.ts';
import { scaleDeployBody, writeScaleApps } from './scale-apps.ts';
import { benchBundle } from './temporal.ts';
import { startBenchVesemir } from './vesemir.ts';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    hosts: { type: 'string' },
    concurrency: { type: 'string' },
    bundle: { type: 'string' },
    'database-url': { type: 'string' },
    'pglite-probe': { type: 'boolean', default: false },
  },
});

/** RSS that an in-memory PGlite adds to a process (the embedded default's database), in MB. */
async function pgliteProbe(): Promise<number> {
  const before = process.memoryUsage().rss;
  const db = await openDb({});
  await db.query('SELECT 1');
  const after = process.memoryUsage().rss;
  await db.close();
  return (after - before) / 2 ** 20;
}

async function main(): Promise<ScaleResult> {
  const address = values.address!;
  const count = Number(values.hosts);
  const concurrency = Number(values.concurrency);
  const timeoutMs = scaleTimeoutMs(count);
  installTemporalRuntime(createLogger('error'));
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-scale-'));
  const appsFile = writeScaleApps(join(dir, 'applications.yaml'), ['scale']);
  const hosts = scaleHosts(count);
  const v = await startBenchVesemir({
    temporalAddress: address,
    // A prebuilt bundle (as a deployment should ship it); without one the worker bundles here, as src/app/worker-process.ts does.
    bundle: values.bundle ? { code: readFileSync(values.bundle, 'utf8') } : await benchBundle(),
    env: { VESEMIR_APPS_FILE: appsFile },
    dataDir: join(dir, 'data'),
    databaseUrl: values['database-url'],
    tune: { chef: noopChef(hosts), remote: noopRemote, loadBalancer: noopLoadBalancer, health: noopHealth, artifacts: noopArtifacts },
  });
  try {
    const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
    const peak = { heapTotal: 0, external: 0 };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal / 2 ** 20);
      peak.external = Math.max(peak.external, m.external / 2 ** 20);
    }, 100);
    const run = await deployThroughApi(v, scaleDeployBody('scale', concurrency), timeoutMs);
    const peakRssMb = vmHwmMb();
    clearInterval(sampler);
    const parentId = deployWorkflowId(run.id);
    const length = async (id: string, runId?: string) => (await v.client.workflow.getHandle(id, runId).describe()).historyLength;
    const parentRuns: string[] = [];
    for await (const r of v.client.workflow.list({ query: `WorkflowId = '${parentId}'` })) parentRuns.push(r.runId);
    const parentLengths = await Promise.all(parentRuns.map((runId) => length(parentId, runId)));
    const result = await v.client.workflow.getHandle(parentId).result();
    // Every host workflow, a few at a time: one slow describe must not hide a big history.
    const queue = hosts.map((h) => hostWorkflowId(parentId, h.name));
    let largestHostHistoryEvents = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) largestHostHistoryEvents = Math.max(largestHostHistoryEvents, await length(id));
      }),
    );
    return {
      hosts: count,
      concurrency,
      wallMs: run.ms,
      parentHistoryEvents: Math.max(...parentLengths),
      parentRuns: parentRuns.length,
      resultKb: Buffer.byteLength(JSON.stringify(result)) / 1024,
      largestHostHistoryEvents,
      lockHistoryEvents: await length(lockWorkflowId(v.config.TEMPORAL_TASK_QUEUE, 'scale', 'production')),
      peakRssMb,
      baselineRssMb,
      peakHeapTotalMb: peak.heapTotal,
      peakExternalMb: peak.external,
      database: values['database-url'] ? 'postgres' : 'pglite',
    };
  } finally {
    await v.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

answerParent(SCALE_MARKER, 'scale bench', values['pglite-probe'] ? pgliteProbe() : main());
