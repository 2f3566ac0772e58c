import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { ActivityDeps } from './activities/deps.ts';
import { createActivities } from './activities/index.ts';
import { CachedChefClient } from './adapters/chef/cached-chef-client.ts';
import { TemporalLockRequester } from './adapters/temporal/lock-requester.ts';
import { buildApp, linkBuilder } from './api/app.ts';
import type { TokenTable } from './api/auth.ts';
import { DeploymentService } from './api/deployment-service.ts';
import { VmRequestService } from './api/vm-request-service.ts';
import { vmLinkBuilder } from './api/vms-routes.ts';
import type { Config } from './config.ts';
import type { Context } from './context.ts';
import type { Metrics } from './metrics/registry.ts';
import { becomeCurrent, defaultBuildId, type MakeCurrent, type WorkerVersion } from './temporal/worker-version.ts';
import { activityDepsFromConfig, chefFromConfig, loadBalancerFromConfig } from './wiring.ts';
import { createWorker, type WorkerOptions } from './worker.ts';

/** The API over a context: one place that wires the services, for main, tests and benchmarks. */
export async function apiFromContext(
  ctx: Context,
  options: {
    apiUrl: string;
    temporalUiUrl: string;
    tokens?: TokenTable | undefined;
    metrics?: Metrics | undefined;
    sdkMetricsBindAddress?: string | undefined;
  },
): Promise<FastifyInstance> {
  const { config } = ctx;
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const deployments = new DeploymentService({
    store: ctx.store,
    client: ctx.client,
    taskQueue,
    turns: new TemporalLockRequester(ctx.client, taskQueue),
    applications: ctx.applications,
    chef: new CachedChefClient(chefFromConfig(config)),
    loadBalancer: loadBalancerFromConfig(config),
  });
  const vms = new VmRequestService({ store: ctx.vmStore, client: ctx.client, taskQueue, catalog: ctx.provisioningCatalog });
  return buildApp({
    logger: ctx.logger,
    store: ctx.store,
    deployments,
    links: linkBuilder(options.apiUrl, options.temporalUiUrl, config.TEMPORAL_NAMESPACE),
    vms: { service: vms, store: ctx.vmStore, links: vmLinkBuilder(options.apiUrl, options.temporalUiUrl, config.TEMPORAL_NAMESPACE) },
    tokens: options.tokens,
    metrics: options.metrics,
    sdkMetricsBindAddress: options.sdkMetricsBindAddress,
  });
}

/** The worker over a context, with the real activities (optionally tuned, e.g. a faster health poll in tests). */
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
