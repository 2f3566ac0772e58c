import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, type WorkerOptions as SdkWorkerOptions, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities/deps.ts';
import { createActivities } from '../activities/index.ts';
import type { Config } from '../config.ts';
import { activityInterceptors } from '../metrics/activity-interceptor.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { WorkerVersion } from '../temporal/worker-version.ts';
import { becomeCurrent, defaultBuildId, type MakeCurrent } from '../temporal/worker-version.ts';
import { activityDepsFromConfig } from './adapters.ts';
import type { Context } from './context.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Activities by name: createActivities(deps) in production, object literals in tests. */
  activities: object;
  /** A prebuilt bundle (tests bundle once); otherwise the worker bundles `workflowsPath`. */
  workflowBundle?: SdkWorkerOptions['workflowBundle'];
  /** @default 100 */
  maxConcurrentActivityTaskExecutions?: number;
  /** Where the worker counts deployments, host steps and provisioning jobs; none when absent. */
  metrics?: Metrics | undefined;
  /** The payload codec (VESEMIR_PAYLOAD_KEY_PATH): the same as the clients'. */
  dataConverter?: DataConverter | undefined;
  /** The Worker Deployment version it runs as; runs default to PINNED. Unset: unversioned. */
  version?: WorkerVersion | undefined;
}

/**
 * The worker runs both workflows and activities on one task queue. Its logs
 * go to the Runtime's logger (installTemporalRuntime); an interceptor adds
 * each activity's deployment, host and step to them and feeds the metrics.
 */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    interceptors: { activity: [activityInterceptors(options.metrics)] },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.version
      ? { workerDeploymentOptions: { useWorkerVersioning: true, version: options.version, defaultVersioningBehavior: 'PINNED' as const } }
      : {}),
    // Host steps heartbeat each second; unthrottled (the default is 80 % of the 5 s heartbeat
    // timeout) a cancel reaches a running step within a second or two instead of four.
    maxHeartbeatThrottleInterval: '1s',
    // A deploy is mostly waiting on hosts; keep shutdown quick so restarts are too.
    shutdownGraceTime: '5s',
    // After a worker dies, its workflows' tasks wait this long on its sticky queue
    // before any other worker takes them (default 10 s): a crash costs seconds, not tens.
    stickyQueueScheduleToStartTimeout: '3s',
  });
}

/** The worker over a context, with the real activities (`tune` replaces ports: the scale bench's no-op transport). */
export async function workerFromContext(
  ctx: Context,
  options: { metrics?: Metrics | undefined; workflowBundle?: WorkerOptions['workflowBundle']; tune?: Partial<ActivityDeps> } = {},
): Promise<Worker> {
  return createWorker({
    connection: ctx.native,
    namespace: ctx.config.TEMPORAL_NAMESPACE,
    taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ ...activityDepsFromConfig(ctx), ...options.tune }),
    metrics: options.metrics,
    workflowBundle: options.workflowBundle ?? (ctx.config.VESEMIR_WORKFLOW_BUNDLE ? { codePath: ctx.config.VESEMIR_WORKFLOW_BUNDLE } : undefined),
    dataConverter: ctx.dataConverter,
    version: workerVersion(ctx.config),
  });
}

/** The Worker Deployment version this configuration runs as; undefined with VESEMIR_WORKER_VERSIONING=off. */
export function workerVersion(config: Config): WorkerVersion | undefined {
  if (config.VESEMIR_WORKER_VERSIONING === 'off') return undefined;
  return { deploymentName: config.VESEMIR_WORKER_DEPLOYMENT, buildId: config.VESEMIR_BUILD_ID ?? defaultBuildId() };
}

/**
 * Runs the worker; `ready` settles once its version is registered and, per
 * VESEMIR_MAKE_CURRENT, current (new deploys then start on it).
 */
export function runWorker(ctx: Context, worker: Worker): { run: Promise<void>; ready: Promise<boolean> } {
  const run = worker.run();
  const version = workerVersion(ctx.config);
  const policy: MakeCurrent = ctx.config.VESEMIR_MAKE_CURRENT ?? (ctx.config.VESEMIR_ROLE === 'all' ? 'always' : 'auto');
  const ready = version ? becomeCurrent(ctx.client, version, policy) : Promise.resolve(false);
  ready.then(
    (current) => version && ctx.logger.info({ ...version, current, policy }, current ? 'worker version is current' : 'worker version registered, not current'),
    (err) => ctx.logger.error({ err, ...version }, 'worker version could not be made current'),
  );
  return { run, ready };
}
