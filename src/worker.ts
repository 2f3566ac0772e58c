import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, type WorkerOptions as SdkWorkerOptions, Worker } from '@temporalio/worker';
import { activityInterceptors } from './metrics/activity-interceptor.ts';
import type { Metrics } from './metrics/registry.ts';
import type { WorkerVersion } from './temporal/worker-version.ts';

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

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
    // A deploy is mostly waiting on hosts; keep shutdown quick so restarts are too.
    shutdownGraceTime: '5s',
    // After a worker dies, its workflows' tasks wait this long on its sticky queue
    // before any other worker takes them (default 10 s): a crash costs seconds, not tens.
    stickyQueueScheduleToStartTimeout: '3s',
  });
}
