import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { ActivityDeps } from '../src/activities/deps.ts';
import { apiFromContext } from '../src/app/api.ts';
import { openContext } from '../src/app/context.ts';
import { runWorker, workerFromContext } from '../src/app/worker.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { DeploymentStore } from '../src/domain/deployment.ts';
import { createLogger } from '../src/logger.ts';

export interface BenchVesemir {
  config: Config;
  store: DeploymentStore;
  client: Client;
  api: FastifyInstance;
  close(): Promise<void>;
}

export interface BenchVesemirOptions {
  temporalAddress: string;
  bundle: WorkflowBundle;
  /** Vesemir's environment (a fleet's `env`, or the scale bench's apps file). */
  env: Record<string, string>;
  dataDir: string;
  /** A real Postgres (the production path); the embedded PGlite under dataDir when absent. */
  databaseUrl?: string | undefined;
  /** Replaces ports of the real wiring (the scale bench's no-op transport). */
  tune?: Partial<ActivityDeps>;
}

/**
 * Vesemir as `main` wires it (src/app/api.ts, src/app/worker.ts), in this process: the real
 * worker and activities, the API (driven by inject or real HTTP), PGlite or
 * Postgres, on a task queue of its own on the bench's dev server.
 */
export async function startBenchVesemir(options: BenchVesemirOptions): Promise<BenchVesemir> {
  const id = randomUUID();
  const config = loadConfig({
    ...options.env,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-${id}`,
    // A Worker Deployment of its own: bench workers on one dev server never share (or contend for) a current version.
    VESEMIR_WORKER_DEPLOYMENT: `bench-${id}`,
    VESEMIR_DATA_DIR: options.dataDir,
    LOG_LEVEL: 'silent',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  const ctx = await openContext(config, createLogger(config.LOG_LEVEL), options.temporalAddress);
  const closers: (() => Promise<unknown>)[] = [() => ctx.close()];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const worker = await workerFromContext(ctx, { workflowBundle: options.bundle, tune: options.tune });
    const { run, ready } = runWorker(ctx, worker);
    await ready;
    closers.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    });
    const api = await apiFromContext(ctx, { apiUrl: 'http://vesemir.bench', temporalUiUrl: 'http://temporal-ui.bench' });
    closers.push(() => api.close());
    return { config, store: ctx.store, client: ctx.client, api, close };
  } catch (err) {
    await close();
    throw err;
  }
}
