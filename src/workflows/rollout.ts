import { CancellationScope, condition, executeChild, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { DeployRequest } from '../domain/deploy-request.ts';
import type { DeployHostInput, DeployProgress, HostResult, RolloutControl } from '../domain/deploy-types.ts';
import type { HostStatus } from '../domain/deployment.ts';
import { foundAsConfigured, type LbFound } from '../domain/haproxy-weights.ts';
import type { Phase } from '../domain/plan.ts';
import type { Host } from '../domain/ports.ts';
import { bookkeeping } from './activity-options.ts';
import { hostWorkflowId } from './definitions.ts';
import { deployHost, describe, rollbackHost } from './deploy-host.ts';
import { historyFull } from './hand-over.ts';

const db = proxyActivities<Activities>(bookkeeping);

export interface RolloutContext {
  deploymentId: string;
  request: DeployRequest;
  /** The HAProxy backend resolved against the application's scope (not the request's raw field). */
  backend: string;
  hosts: Host[];
  loadBalancers: Host[];
  progress: DeployProgress;
  control: RolloutControl;
  /** Results so far, by host (a retried host's result is replaced). */
  results: Map<string, HostResult>;
  round: number;
  rounds: Map<string, number>;
  onGate(waiting: boolean): Promise<void>;
  /** Retried hosts' HAProxy state as found before their first round. */
  foundBefore?: Map<string, LbFound[]> | undefined;
  /** A rollback of a finished deploy: per host, the kept release it goes back to and the one current now. */
  kept?: Map<string, { version: string; current: string | undefined }> | undefined;
  /** See HISTORY_EVENTS_PER_RUN. */
  historyEventsPerRun?: number | undefined;
}

/**
 * Walks the phases: a sliding window per phase, no new host once the budget
 * is spent, the deploy is cancelled or paused; a gate after a canary phase.
 * Once the run's history is full no new host starts either: when the hosts in
 * flight are done it answers the phases left, for the next run.
 */
export async function rollOut(ctx: RolloutContext, phases: Phase[]): Promise<Phase[] | undefined> {
  const running = new Map<string, Promise<HostResult>>();
  // A cancel stops the hosts in flight too: each stops its step and puts its host back.
  const inFlight = new Set<CancellationScope>();
  condition(() => ctx.control.cancel !== undefined).then(() => {
    for (const scope of inFlight) scope.cancel();
  });
  const launch = (name: string) => {
    const scope = new CancellationScope();
    inFlight.add(scope);
    return scope.run(() => start(ctx, name)).finally(() => inFlight.delete(scope));
  };
  const budgetSpent = () => failures(ctx) > ctx.request.maxFailedHosts;
  const stopped = () => ctx.control.cancel !== undefined || budgetSpent();

  // Answers the hosts not started when the run hands over (`mayHandOver`), nothing when the phase is done or stopped.
  const runPhase = async (names: string[], window: number, mayHandOver = false): Promise<string[] | undefined> => {
    const pending = [...names];
    for (;;) {
      const handOver = mayHandOver && historyFull(ctx.historyEventsPerRun);
      while (running.size < window && !stopped() && !ctx.control.paused && !handOver) {
        const next = ctx.control.retryQueue.shift() ?? pending.shift();
        if (next === undefined) break;
        running.set(next, launch(next));
      }
      if (running.size === 0) {
        if ((pending.length === 0 && ctx.control.retryQueue.length === 0) || stopped()) return undefined;
        if (handOver) return pending;
        await condition(() => !ctx.control.paused || stopped());
        continue;
      }
      const done = await Promise.race(running.values());
      running.delete(done.name);
      ctx.results.set(done.name, compact(done));
      mark(ctx.progress, done.name, done.status, done.error);
    }
  };

  for (const [i, phase] of phases.entries()) {
    const left = await runPhase(phase.hosts, phase.window, true);
    if (left) return [{ ...phase, hosts: left }, ...phases.slice(i + 1)];
    if (stopped()) break;
    if (phase.gate) await gate(ctx, phase, runPhase);
  }
  // A retry asked for while the last hosts were finishing.
  if (!stopped() && ctx.control.retryQueue.length > 0) await runPhase([], phases.at(-1)?.window ?? 1);
  return undefined;
}

function failures(ctx: RolloutContext): number {
  let n = 0;
  for (const r of ctx.results.values()) if (isFailure(r)) n++;
  return n;
}

/** A DONE host's result without a HAProxy record a rollback would not need (see foundAsConfigured). */
function compact(r: HostResult): HostResult {
  if (r.status !== 'DONE' || !r.lbFound || !foundAsConfigured(r.lbFound)) return r;
  const { lbFound: _asConfigured, ...rest } = r;
  return rest;
}

/** A host that did not end DONE, except one SKIPPED because it was found in maintenance (left alone on purpose). */
export function isFailure(r: HostResult): boolean {
  return r.status !== 'DONE' && r.status !== 'SKIPPED';
}

/** After a canary: wait for `approve` (or the bake time), running retried hosts meanwhile. */
async function gate(ctx: RolloutContext, phase: Phase, runPhase: (names: string[], window: number) => Promise<unknown>) {
  const spec = phase.gate!;
  if (!spec.requireApproval) {
    if (spec.bakeSeconds > 0) await condition(() => ctx.control.cancel !== undefined, spec.bakeSeconds * 1000);
    return;
  }
  await ctx.onGate(true);
  while (!ctx.control.approved && ctx.control.cancel === undefined) {
    await condition(() => ctx.control.approved || ctx.control.cancel !== undefined || ctx.control.retryQueue.length > 0);
    if (ctx.control.retryQueue.length > 0) await runPhase([], phase.window);
  }
  await ctx.onGate(false);
}

function start(ctx: RolloutContext, name: string): Promise<HostResult> {
  const host = ctx.hosts.find((h) => h.name === name)!;
  const round = ctx.rounds.get(name) ?? ctx.round;
  mark(ctx.progress, name, 'RUNNING');
  const kept = ctx.kept?.get(name);
  const input: DeployHostInput = {
    deploymentId: ctx.deploymentId,
    application: ctx.request.application,
    version: kept?.version ?? ctx.request.version,
    artifact: ctx.request.artifact,
    host,
    loadBalancers: ctx.loadBalancers,
    backend: ctx.backend,
    weight: ctx.request.haproxy.weight,
    degradationSeconds: ctx.request.haproxy.degradationSeconds,
    healthCheck: ctx.request.healthCheck,
    ...(round > 1 ? { round } : {}),
    ...(ctx.request.includeHostsInMaintenance ? { includeHostsInMaintenance: true } : {}),
    ...(ctx.foundBefore?.has(name) ? { lbFound: ctx.foundBefore.get(name) } : {}),
    ...(kept ? { keptRelease: { previousVersion: kept.current === kept.version ? undefined : kept.current } } : {}),
  };
  // A retried host's child is a new run under the same workflow ID.
  return executeChild(deployHost, { workflowId: hostWorkflowId(workflowInfo().workflowId, name), args: [input] }).catch(
    // Cancelled before its child started: it never touched the host.
    (err): HostResult => (isCancellation(err) ? { name, status: 'SKIPPED', error: 'deployment cancelled' } : { name, status: 'FAILED', error: describe(err) }),
  );
}

/**
 * Rolls every DONE host (or the ones `only` names, left by the previous run)
 * back to its previous release, `window` at a time; answers the hosts not
 * started when the run's history is full.
 */
export async function rollBackDone(ctx: RolloutContext, window: number, only?: string[]): Promise<string[] | undefined> {
  const done = [...ctx.results.values()].filter((r) => r.status === 'DONE' && r.previousVersion);
  const left = only && new Set(only);
  const queue = left ? done.filter((r) => left.has(r.name)) : done;
  const running = new Map<string, Promise<HostResult>>();
  while (queue.length > 0 || running.size > 0) {
    const handOver = historyFull(ctx.historyEventsPerRun);
    if (handOver && running.size === 0) return queue.map((r) => r.name);
    while (running.size < window && queue.length > 0 && !handOver) {
      const r = queue.shift()!;
      const host = ctx.hosts.find((h) => h.name === r.name)!;
      running.set(
        r.name,
        executeChild(rollbackHost, {
          workflowId: `${hostWorkflowId(workflowInfo().workflowId, r.name)}/rollback`,
          args: [
            {
              deploymentId: ctx.deploymentId,
              application: ctx.request.application,
              host,
              loadBalancers: ctx.loadBalancers,
              backend: ctx.backend,
              healthCheck: ctx.request.healthCheck,
              version: ctx.request.version,
              previousVersion: r.previousVersion!,
              round: ctx.rounds.get(r.name) ?? ctx.round,
              lbFound: r.lbFound,
            },
          ],
        }).catch((err): HostResult => ({ name: r.name, status: 'QUARANTINED', error: describe(err) })),
      );
    }
    const finished = await Promise.race(running.values());
    running.delete(finished.name);
    ctx.results.set(finished.name, finished);
    mark(ctx.progress, finished.name, finished.status, finished.error);
  }
  return undefined;
}

/** Hosts that never started: reported SKIPPED, a thousand per write (one event each, not one per host). */
export async function markSkipped(ctx: RolloutContext, reason: string): Promise<void> {
  const skipped = ctx.hosts.map((h) => h.name).filter((name) => !ctx.results.has(name));
  const names = new Set(skipped);
  for (const row of ctx.progress.hosts) if (names.has(row.name)) Object.assign(row, { status: 'SKIPPED', error: undefined });
  for (let i = 0; i < skipped.length; i += SKIPPED_PER_WRITE) {
    await db.setHostsSkipped({ deploymentId: ctx.deploymentId, hosts: skipped.slice(i, i + SKIPPED_PER_WRITE), error: reason });
  }
}

const SKIPPED_PER_WRITE = 1000;

export function mark(progress: DeployProgress, name: string, status: HostStatus, error?: string): void {
  const row = progress.hosts.find((h) => h.name === name);
  if (row) Object.assign(row, { status, error });
}
