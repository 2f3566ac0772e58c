import { ChefError } from '../adapters/chef/errors.ts';
import type { DeployRequest } from '../domain/deploy-request.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import type { FleetToCreate } from '../domain/fleet-budget.ts';
import { type Concurrency, type Phase, planPhases } from '../domain/plan.ts';
import type { ChefClient, Host, LoadBalancer } from '../domain/ports.ts';
import { searchWithinScope } from '../domain/scoped-search.ts';
import type { Targets } from '../domain/targets.ts';
import { type PlannedHostWeights, plannedWeights } from './dry-run-weights.ts';

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
  /** `haproxy.weight`: the percent of each server's weight a host gets back first. */
  weightPercent: number;
  /** Per host and LB box: the state and weight now and what the enable would set (when the API can reach the LB boxes). */
  weights?: PlannedHostWeights[] | undefined;
  /** Why `weights` is missing: the LB boxes could not be read. The plan above still holds. */
  weightsError?: string | undefined;
  /** No host found and the application declares its fleet: what the deploy would create first. */
  wouldCreate?: (FleetToCreate & { message: string }) | undefined;
}

/** "would create 3 VMs (python, ubuntu-22.04)": what a dry run says instead of "no hosts". */
export function wouldCreateMessage(fleet: FleetToCreate): string {
  const type = fleet.machineType ? `, ${fleet.machineType}` : '';
  return `would create ${fleet.count} VM${fleet.count === 1 ? '' : 's'} (${fleet.stack}, ${fleet.osVersion}${type}), then deploy to them`;
}

/**
 * Resolves hosts and HAProxy boxes through Chef (the scoped, escaped queries),
 * lays out the phases and, given the LB boxes' runtime API, reads each
 * server's state and weight now to show the weights a deploy would set; with
 * no host found, says which VMs the application's declared `fleet` would
 * create first. Changes nothing.
 */
export async function dryRun(
  request: DeployRequest,
  targets: Targets,
  chef: ChefClient,
  loadBalancer?: Pick<LoadBalancer, 'serverStates'>,
  fleet?: FleetToCreate,
): Promise<DryRunPlan> {
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
    weightPercent: request.haproxy.weight,
    ...(await weightsOf(request, targets, hosts, loadBalancers, loadBalancer)),
    ...(hosts.length === 0 && fleet ? { wouldCreate: { ...fleet, message: wouldCreateMessage(fleet) } } : {}),
  };
}

async function weightsOf(request: DeployRequest, targets: Targets, hosts: Host[], loadBalancers: Host[], loadBalancer?: Pick<LoadBalancer, 'serverStates'>) {
  if (!loadBalancer || hosts.length === 0 || loadBalancers.length === 0) return {};
  try {
    const names = hosts.map((h) => h.name);
    const options = { includeHostsInMaintenance: request.includeHostsInMaintenance };
    return { weights: await plannedWeights(loadBalancer, loadBalancers, targets.backend, names, request.haproxy.weight, options) };
  } catch (err) {
    return { weightsError: (err as Error).message };
  }
}

/** A search Chef refuses (a 4xx, e.g. goiardi's parse error) is the request's fault: 422 with Chef's words. */
async function search(run: () => Promise<Host[]>, query: string, field: string): Promise<Host[]> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ChefError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) {
      throw new VesemirError(ErrorType.ChefQueryRejected, `Chef rejected the search ${query}: ${err.bodyExcerpt}`, { field });
    }
    throw err;
  }
}
