import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../src/activities/index.ts';
import { TemporalLockRequester } from '../../src/adapters/temporal/lock-requester.ts';
import { buildApp, linkBuilder } from '../../src/api/app.ts';
import { DeploymentService } from '../../src/api/deployment-service.ts';
import { activityDepsFromConfig, chefFromConfig } from '../../src/app/adapters.ts';
import type { Context } from '../../src/app/context.ts';
import { createWorker, runWorker, workerVersion } from '../../src/app/worker.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { workflowBundle } from '../support/temporal.ts';
import { openTestContext } from '../support/test-context.ts';

/**
 * The API and the worker of a fault test, started apart. startVesemir (test/support) always talks to the
 * run's shared Temporal server; here the address is a parameter, and the API
 * and the worker each get their own Context, so either can be closed and
 * rebuilt while the other keeps running — as separate processes would.
 */

export function faultConfig(fleet: Fleet, address: string, extraEnv: Record<string, string> = {}): Config {
  return loadConfig({
    ...fleet.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `faults-${randomUUID()}`,
    VESEMIR_DATA_DIR: join(fleet.dir, 'data'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...extraEnv,
  });
}

export interface ApiInstance {
  api: FastifyInstance;
  ctx: Context;
  close(): Promise<void>;
}

/** The API as src/app/service.ts builds it for VESEMIR_ROLE=api: own DB pool, own Temporal client. */
export async function startApi(config: Config): Promise<ApiInstance> {
  const logger = createLogger(config.LOG_LEVEL);
  const ctx = await openTestContext(config, logger, config.TEMPORAL_ADDRESS!);
  const deployments = new DeploymentService({
    store: ctx.store,
    client: ctx.client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    turns: new TemporalLockRequester(ctx.client, config.TEMPORAL_TASK_QUEUE),
    applications: ctx.applications,
    chef: chefFromConfig(config),
  });
  const links = linkBuilder('http://vesemir.test', 'http://temporal-ui.test', config.TEMPORAL_NAMESPACE);
  const api = await buildApp({ logger, store: ctx.store, deployments, links });
  return {
    api,
    ctx,
    async close() {
      await api.close();
      await ctx.close();
    },
  };
}

export interface InProcessWorker {
  ctx: Context;
  close(): Promise<void>;
}

/**
 * A worker in this process with the real activities, on its own Context or
 * on `shared` (PGlite is one process's database: two Contexts on one PGlite
 * dir do not see each other's writes).
 */
export async function startWorkerIn(config: Config, shared?: Context): Promise<InProcessWorker> {
  const ctx = shared ?? (await openTestContext(config, createLogger(config.LOG_LEVEL), config.TEMPORAL_ADDRESS!));
  const worker: Worker = await createWorker({
    connection: ctx.native,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(activityDepsFromConfig(ctx)),
    workflowBundle: await workflowBundle(),
    version: workerVersion(config),
  });
  const { run, ready } = runWorker(ctx, worker);
  await ready;
  return {
    ctx,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      if (!shared) await ctx.close();
    },
  };
}
