import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from './activities/index.ts';

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests bundle once); otherwise the worker bundles `workflowsPath`. */
  workflowBundle?: WorkflowBundle | undefined;
  /** @default 100 */
  maxConcurrentActivityTaskExecutions?: number;
}

/** The worker runs both workflows and activities on one task queue. */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    // A deploy is mostly waiting on hosts; keep shutdown quick so restarts are too.
    shutdownGraceTime: '5s',
  });
}
