import type { DeployRequest } from '../domain/deploy-request.ts';
import { hostQuery, loadBalancerQuery } from '../domain/chef-queries.ts';
import { type Concurrency, type Phase, planPhases } from '../domain/plan.ts';
import type { ChefClient, Host } from '../domain/ports.ts';

export interface DryRunPlan {
  dryRun: true;
  application: string;
  environment: string;
  version: string;
  chefQuery: string;
  loadBalancerQuery: string;
  hosts: Host[];
  loadBalancers: Host[];
  phases: Phase[];
  maxFailedHosts: number;
  autoRollback: boolean;
}

/** Resolves hosts and HAProxy boxes through Chef and lays out the phases; touches no host. */
export async function dryRun(request: DeployRequest, chef: ChefClient): Promise<DryRunPlan> {
  const chefQuery = hostQuery(request);
  const lbQuery = loadBalancerQuery(request);
  const [hosts, loadBalancers] = await Promise.all([chef.searchNodes(chefQuery), chef.searchNodes(lbQuery)]);
  return {
    dryRun: true,
    application: request.application,
    environment: request.environment,
    version: request.version,
    chefQuery,
    loadBalancerQuery: lbQuery,
    hosts,
    loadBalancers,
    phases: planPhases(
      hosts.map((h) => h.name),
      request.concurrency as Concurrency,
      request.canary,
    ),
    maxFailedHosts: request.maxFailedHosts,
    autoRollback: request.autoRollback ?? false,
  };
}
