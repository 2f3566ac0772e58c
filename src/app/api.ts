import type { FastifyInstance } from 'fastify';
import { CachedChefClient } from '../adapters/chef/cached-chef-client.ts';
import { CachedServerStates } from '../adapters/haproxy/cached-server-states.ts';
import { SqlAlertFacts } from '../adapters/store/alert-facts.ts';
import { SqlRecycleStore } from '../adapters/store/recycle-store.ts';
import { TemporalLockRequester } from '../adapters/temporal/lock-requester.ts';
import { buildApp, linkBuilder } from '../api/app.ts';
import type { TokenTable } from '../api/auth.ts';
import { DeploymentService } from '../api/deployment-service.ts';
import { FleetRecycleService } from '../api/fleet-recycle-service.ts';
import { VmDecommissionService } from '../api/vm-decommission-service.ts';
import { VmRequestService } from '../api/vm-request-service.ts';
import { vmLinkBuilder } from '../api/vms-routes.ts';
import { missingProvisioningVariables } from '../config.ts';
import type { Metrics } from '../metrics/registry.ts';
import { chefFromConfig, loadBalancerFromConfig } from './adapters.ts';
import type { Context } from './context.ts';

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
    loadBalancer: new CachedServerStates(loadBalancerFromConfig(config)),
    vmStore: ctx.vmStore,
  });
  // The in-flight gauge reads the database at each scrape, so it never drifts from what the API answers.
  options.metrics?.countInFlightWith(() => ctx.store.countUnfinished());
  options.metrics?.readAlertFactsFrom(new SqlAlertFacts(ctx.db));
  const vms = new VmRequestService({
    store: ctx.vmStore,
    client: ctx.client,
    taskQueue,
    catalog: ctx.provisioningCatalog,
    applications: ctx.applications,
    provisioningMissing: missingProvisioningVariables(config),
  });
  const decommission = new VmDecommissionService({
    store: ctx.vmStore,
    client: ctx.client,
    taskQueue,
    catalog: ctx.provisioningCatalog,
    applications: ctx.applications,
    provisioningMissing: missingProvisioningVariables(config),
  });
  const recycles = new FleetRecycleService({
    recycles: new SqlRecycleStore(ctx.db),
    deployments: ctx.store,
    vmStore: ctx.vmStore,
    client: ctx.client,
    taskQueue,
    catalog: ctx.provisioningCatalog,
    applications: ctx.applications,
    provisioningMissing: missingProvisioningVariables(config),
  });
  const vmLinks = vmLinkBuilder(options.apiUrl, options.temporalUiUrl, config.TEMPORAL_NAMESPACE);
  return buildApp({
    logger: ctx.logger,
    store: ctx.store,
    deployments,
    links: linkBuilder(options.apiUrl, options.temporalUiUrl, config.TEMPORAL_NAMESPACE),
    vms: { service: vms, decommission, store: ctx.vmStore, links: vmLinks },
    recycles: {
      service: recycles,
      links: {
        recycle: (id) => `${options.apiUrl}/v1/fleet-recycles/${id}`,
        deployment: (id) => `${options.apiUrl}/v1/deployments/${id}`,
        temporalUi: vmLinks.temporalUi,
      },
    },
    tokens: options.tokens,
    metrics: options.metrics,
    sdkMetricsBindAddress: options.sdkMetricsBindAddress,
    docsUrl: config.VESEMIR_DOCS_URL,
  });
}
