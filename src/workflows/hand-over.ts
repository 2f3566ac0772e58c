import { workflowInfo } from '@temporalio/workflow';
import type { CarriedRun, DeployProgress } from '../domain/deploy-types.ts';
import type { Phase } from '../domain/plan.ts';
import type { RolloutContext } from './rollout.ts';

/**
 * A deploy's run hands over to a new run (continue-as-new) when Temporal
 * suggests it (4,096 events or 4 MB by default) or, on a server set higher,
 * at this many events: a host costs the deploy's history about 5, so a fleet
 * of any size keeps every history under 10,000 events, including the hosts
 * still in flight when it is reached (at most 500, which finish first).
 */
export const HISTORY_EVENTS_PER_RUN = 5_000;

/** Past the limit, or past the server's own suggestion (its size limit too). */
export function historyFull(limit: number | undefined): boolean {
  const info = workflowInfo();
  return info.historyLength >= (limit ?? HISTORY_EVENTS_PER_RUN) || info.continueAsNewSuggested;
}

/** What is left to do when a run hands over: the rollout's phases, or the hosts still to roll back. */
export type Left = { phases: Phase[] } | { rollbackLeft: string[] };

/** The state the next run starts from; taken once every handler has finished, so no control is lost. */
export function carry(ctx: RolloutContext, left: Left, runs: number): CarriedRun {
  return {
    status: ctx.progress.status,
    hosts: ctx.hosts,
    loadBalancers: ctx.loadBalancers,
    backend: ctx.backend,
    results: [...ctx.results.values()],
    round: ctx.round,
    rounds: [...ctx.rounds],
    foundBefore: [...(ctx.foundBefore ?? [])],
    ...(ctx.kept ? { kept: [...ctx.kept] } : {}),
    control: ctx.control,
    phases: 'phases' in left ? left.phases : [],
    ...('rollbackLeft' in left ? { rollbackLeft: left.rollbackLeft } : {}),
    runs: runs + 1,
  };
}

/** The rollout context and progress of a run that continues a deploy. */
export function resume(
  carried: CarriedRun,
  base: Pick<RolloutContext, 'deploymentId' | 'request' | 'progress' | 'onGate' | 'historyEventsPerRun'>,
): RolloutContext {
  const results = new Map(carried.results.map((r) => [r.name, r]));
  const progress: DeployProgress = base.progress;
  progress.hosts = carried.hosts.map((h) => {
    const r = results.get(h.name);
    return r ? { name: h.name, status: r.status, error: r.error } : { name: h.name, status: 'PENDING' };
  });
  return {
    ...base,
    backend: carried.backend,
    hosts: carried.hosts,
    loadBalancers: carried.loadBalancers,
    control: carried.control,
    results,
    round: carried.round,
    rounds: new Map(carried.rounds),
    foundBefore: new Map(carried.foundBefore),
    ...(carried.kept ? { kept: new Map(carried.kept) } : {}),
  };
}
