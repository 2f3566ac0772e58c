import { ChefError } from '../adapters/chef/errors.ts';
import type { DeployRequest } from '../domain/deploy-request.ts';
import { type Concurrency, type Phase, planPhases } from '../domain/plan.ts';
import type { ChefClient, Host } from '../domain/ports.ts';
import { searchWithinScope } from '../domain/scoped-search.ts';
import type { Targets } from '../domain/targets.ts';
import { HttpError } from './errors.ts';

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

/** Resolves hosts and HAProxy boxes through Chef (the scoped, escaped queries) and lays out the phases; touches no host. */
export async function dryRun(request: DeployRequest, targets: Targets, chef: ChefClient): Promise<DryRunPlan> {
  const { hostQuery: chefQuery, loadBalancerQuery: lbQuery } = targets;
  const [hosts, loadBalancers] = await Promise.all([
    search(() => searchWithinScope(chef, chefQuery, targets.hostScopeQuery), chefQuery, 'chef.query'),
    search(() => searchWithinScope(chef, lbQuery, targets.loadBalancerScopeQuery), lbQuery, 'haproxy.chefTags'),
  ]);
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

/** A search Chef refuses (a 4xx, e.g. goiardi's parse error) is the request's fault: 422 with Chef's words. */
async function search(run: () => Promise<Host[]>, query: string, field: string): Promise<Host[]> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ChefError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) {
      throw new HttpError(422, 'ChefQueryRejected', `Chef rejected the search ${query}: ${err.bodyExcerpt}`, { field });
    }
    throw err;
  }
}
