import { CancellationScope, condition, executeChild, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { DeployRequest } from '../domain/deploy-request.ts';
import type { DeployHostInput, DeployProgress, HostResult } from '../domain/deploy-types.ts';
import type { HostStatus } from '../domain/deployment.ts';
import type { LbFound } from '../domain/haproxy-weights.ts';
import type { Phase } from '../domain/plan.ts';
import type { Host } from '../domain/ports.ts';
import { bookkeeping } from './activity-options.ts';
import { hostWorkflowId } from './definitions.ts';
import { deployHost, describe, rollbackHost } from './deploy-host.ts';

const db = proxyActivities<Activities>(bookkeeping);

/** What operators change while a rollout runs (set by the deploy workflow's update handlers). */
export interface RolloutControl {
  paused: boolean;
  cancel: { rollback: boolean } | undefined;
  approved: boolean;
  /** Failed hosts an operator asked to run again, in order. */
  retryQueue: string[];
}

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
}

/**
 * Walks the phases: a sliding window per phase, no new host once the budget
 * is spent, the deploy is cancelled or paused; a gate after a canary phase.
 */
export async function rollOut(ctx: RolloutContext, phases: Phase[]): Promise<void> {
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

  const runPhase = async (names: string[], window: number) => {
    const pending = [...names];
    for (;;) {
      while (running.size < window && !stopped() && !ctx.control.paused) {
        const next = ctx.control.retryQueue.shift() ?? pending.shift();
        if (next === undefined) break;
        running.set(next, launch(next));
      }
      if (running.size === 0) {
        if ((pending.length === 0 && ctx.control.retryQueue.length === 0) || stopped()) return;
        await condition(() => !ctx.control.paused || stopped());
        continue;
      }
      const done = await Promise.race(running.values());
      running.delete(done.name);
      ctx.results.set(done.name, done);
      mark(ctx.progress, done.name, done.status, done.error);
    }
  };

  for (const phase of phases) {
    await runPhase(phase.hosts, phase.window);
    if (stopped()) break;
    if (phase.gate) await gate(ctx, phase, runPhase);
  }
  // A retry asked for while the last hosts were finishing.
  if (!stopped() && ctx.control.retryQueue.length > 0) await runPhase([], phases.at(-1)?.window ?? 1);
}

function failures(ctx: RolloutContext): number {
  let n = 0;
  for (const r of ctx.results.values()) if (isFailure(r)) n++;
  return n;
}

/** A host that did not end DONE, except one SKIPPED because it was found in maintenance (left alone on purpose). */
export function isFailure(r: HostResult): boolean {
  return r.status !== 'DONE' && r.status !== 'SKIPPED';
}

/** After a canary: wait for `approve` (or the bake time), running retried hosts meanwhile. */
async function gate(ctx: RolloutContext, phase: Phase, runPhase: (names: string[], window: number) => Promise<void>) {
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

/** Rolls every DONE host back to its previous release, `window` at a time. */
export async function rollBackDone(ctx: RolloutContext, window: number): Promise<void> {
  const done = [...ctx.results.values()].filter((r) => r.status === 'DONE' && r.previousVersion);
  const queue = [...done];
  const running = new Map<string, Promise<HostResult>>();
  while (queue.length > 0 || running.size > 0) {
    while (running.size < window && queue.length > 0) {
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
}

/** Hosts that never started: reported SKIPPED, in host order. */
export async function markSkipped(ctx: RolloutContext, reason: string): Promise<void> {
  for (const host of ctx.hosts) {
    if (ctx.results.has(host.name)) continue;
    mark(ctx.progress, host.name, 'SKIPPED');
    await db.setHostStatus({ deploymentId: ctx.deploymentId, host: host.name, status: 'SKIPPED', error: reason });
  }
}

export function mark(progress: DeployProgress, name: string, status: HostStatus, error?: string): void {
  const row = progress.hosts.find((h) => h.name === name);
  if (row) Object.assign(row, { status, error });
}
