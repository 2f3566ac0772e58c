import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { DeployHostInput, HostResult, RollbackHostInput } from '../domain/deploy-types.ts';
import type { HostStatus, StepName } from '../domain/deployment.ts';
import { IN_MAINTENANCE_REASON, inMaintenance, type LbFound } from '../domain/haproxy-weights.ts';
import { healthWait, localBookkeeping, quickRpc, sshWork } from './activity-options.ts';

const localDb = proxyLocalActivities<Activities>(localBookkeeping);
const lb = proxyActivities<Activities>(quickRpc);
const ssh = proxyActivities<Activities>(sshWork);

/** How far a host got: what its compensation has to undo. */
interface Reached {
  step: StepName;
  found?: LbFound[] | undefined;
  previousVersion?: string | undefined;
  /** Set before the drain: a drain that failed half-way may have drained some boxes. */
  drained: boolean;
  activated: boolean;
}

/**
 * One host's deploy: inspect → stage → drain → activate → restart → health →
 * enable at `weight`% → bake → 100%. `inspect` records the server's HAProxy
 * state as found; a server an operator took out of rotation (MAINT or DRAIN on
 * any box) is SKIPPED untouched, or, with `includeHostsInMaintenance`, gets the
 * release without any HAProxy change. A host that fails after its drain is
 * rolled back to its previous release and its HAProxy state restored as found;
 * if even that fails it stays drained and is reported QUARANTINED. A cancel
 * (the deploy's) stops the step under way and puts the host back the same way;
 * before its drain there is nothing to put back, and it is SKIPPED.
 */
export async function deployHost(input: DeployHostInput): Promise<HostResult> {
  const s = hostSteps(input);
  const at: Reached = { step: 'inspect', drained: false, activated: false };
  const step = <T>(name: StepName, work: () => Promise<T>) => {
    at.step = name;
    return work();
  };
  let pruning: Promise<unknown> | undefined;
  let result: HostResult;
  try {
    const now = await alongside(s.inspect(), s.setStatus('RUNNING'));
    // A retried host may be drained by this deploy's earlier round: its first record counts.
    at.found = input.lbFound ?? now;
    const leaveLbAlone = inMaintenance(at.found);
    if (leaveLbAlone && !input.includeHostsInMaintenance) {
      result = { ...s.result('SKIPPED', at), error: IN_MAINTENANCE_REASON };
    } else {
      // A rollback of a finished deploy activates a release kept on the host: nothing to stage.
      ({ previousVersion: at.previousVersion } = input.keptRelease ?? (await step('stage', s.stage)));
      at.drained = !leaveLbAlone;
      if (at.drained) await step('drain', s.drain);
      at.activated = true;
      await step('activate', s.activate);
      // Off the path to the host's end; the previous release (the rollback target) is kept.
      pruning = s.prune(at.previousVersion);
      await step('restart', s.restart);
      await step('health', s.health);
      if (!leaveLbAlone) {
        await step('enable', () => s.enable(input.weight, 'enable', at.found));
        if (input.weight < 100) {
          if (input.degradationSeconds > 0) await step('bake', () => sleep(input.degradationSeconds * 1000));
          await step('full', () => s.enable(100, 'full', at.found));
        }
      }
      result = s.result('DONE', at);
    }
  } catch (err) {
    const cancelled = isCancellation(err);
    const error = `${at.step}: ${cancelled ? 'deployment cancelled' : describe(err)}`;
    result =
      at.drained || at.activated
        ? await CancellationScope.nonCancellable(() => compensate(input, at, error))
        : cancelled
          ? { ...s.result('SKIPPED', at), error }
          : { ...s.result('FAILED', at), failedStep: at.step, error };
  }
  await alongside(
    CancellationScope.nonCancellable(() => s.setStatus(result.status, result.error, at.previousVersion)),
    pruning ?? Promise.resolve(),
  );
  return result;
}

/** The host's activities bound to its input: the workflow above reads as the steps. */
function hostSteps(input: DeployHostInput) {
  const base = { deploymentId: input.deploymentId, application: input.application, host: input.host, version: input.version, round: input.round };
  const lbInput = { ...base, loadBalancers: input.loadBalancers, backend: input.backend };
  const waiting = proxyActivities<Activities>(healthWait(input.healthCheck.timeoutSeconds));
  return {
    base,
    lbInput,
    waiting,
    setStatus: (status: HostStatus, error?: string, previousVersion?: string) =>
      localDb.setHostStatus({ deploymentId: input.deploymentId, host: input.host.name, status, error, ...(previousVersion ? { previousVersion } : {}) }),
    inspect: () => lb.inspectHost(lbInput),
    stage: () => ssh.stageRelease({ ...base, artifact: input.artifact }),
    drain: () => lb.drainHost(lbInput),
    activate: () => ssh.activateRelease(base),
    restart: () => ssh.restartService(base),
    health: () => waiting.waitHealthy({ ...base, healthCheck: input.healthCheck }),
    enable: (weight: number, step: 'enable' | 'full', found: LbFound[] | undefined) => lb.enableHost({ ...lbInput, weight, step, found }),
    /** Deletes releases older than the previous one; best effort, a failure never fails the host. */
    prune: (previousVersion: string | undefined) => ssh.pruneReleases({ ...base, previousVersion }).catch(() => undefined),
    result: (status: HostResult['status'], at: Reached): HostResult => ({
      name: input.host.name,
      status,
      ...(status === 'DONE' ? { previousVersion: at.previousVersion } : {}),
      lbFound: at.found,
      round: input.round,
    }),
  };
}

/**
 * Waits for all and returns `main`'s result; the `sides` (work started in
 * the same workflow task) have to succeed too, and the first failure in
 * argument order is thrown. Waiting for all keeps their order against what
 * comes next: a RUNNING status never lands after FAILED.
 */
export async function alongside<T>(main: Promise<T>, ...sides: Promise<unknown>[]): Promise<T> {
  const [mainOutcome, ...sideOutcomes] = await Promise.allSettled([main, ...sides]);
  for (const outcome of [mainOutcome, ...sideOutcomes]) if (outcome!.status === 'rejected') throw outcome!.reason;
  return (mainOutcome as PromiseFulfilledResult<T>).value;
}

/**
 * The compensation of a failed host: back on its previous release if it was
 * activated, and its HAProxy state as found if it was drained; else QUARANTINED.
 */
async function compensate(input: DeployHostInput, at: Reached, error: string): Promise<HostResult> {
  const s = hostSteps(input);
  const failed = { name: input.host.name, failedStep: at.step, lbFound: at.found, round: input.round };
  try {
    if (at.activated) {
      if (!at.previousVersion) throw ApplicationFailure.nonRetryable('no previous release to roll back to', 'NoPreviousRelease');
      const back = { ...s.base, version: at.previousVersion, rollback: true };
      await ssh.activateRelease(back);
      await ssh.restartService(back);
      await s.waiting.waitHealthy({ ...back, healthCheck: input.healthCheck });
    }
    if (at.drained) await lb.restoreHost({ ...s.lbInput, found: at.found });
    return { ...failed, status: at.activated ? 'ROLLED_BACK' : 'FAILED', error };
  } catch (rollbackErr) {
    const left = at.drained ? 'left drained' : 'HAProxy state left as found';
    return { ...failed, status: 'QUARANTINED', error: `${error}; ${left}: rollback failed: ${describe(rollbackErr)}` };
  }
}

/**
 * Rolls a DONE host back to the release it had before (cancel with rollback,
 * automatic rollback) and restores its HAProxy state as found before the
 * deploy; a host found in maintenance is rolled back without HAProxy changes.
 */
export async function rollbackHost(input: RollbackHostInput): Promise<HostResult> {
  const base = {
    deploymentId: input.deploymentId,
    application: input.application,
    host: input.host,
    version: input.previousVersion,
    round: input.round,
    rollback: true,
  };
  const lbInput = { ...base, loadBalancers: input.loadBalancers, backend: input.backend };
  const health = proxyActivities<Activities>(healthWait(input.healthCheck.timeoutSeconds));
  const touchLb = !(input.lbFound && inMaintenance(input.lbFound));
  const done = { name: input.host.name, round: input.round, lbFound: input.lbFound };
  let result: HostResult;
  try {
    if (touchLb) await lb.drainHost(lbInput);
    await ssh.activateRelease(base);
    await ssh.restartService(base);
    await health.waitHealthy({ ...base, healthCheck: input.healthCheck });
    if (touchLb) await lb.restoreHost({ ...lbInput, found: input.lbFound });
    result = { ...done, status: 'ROLLED_BACK', error: `rolled back to ${input.previousVersion}` };
  } catch (err) {
    const left = touchLb ? 'left drained' : 'HAProxy state left as found';
    result = { ...done, status: 'QUARANTINED', error: `rollback to ${input.previousVersion} failed, ${left}: ${describe(err)}` };
  }
  await localDb.setHostStatus({ deploymentId: input.deploymentId, host: input.host.name, status: result.status, error: result.error });
  return result;
}

export function describe(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  // Out of time after failed attempts: the last attempt's error says why.
  if (cause instanceof TimeoutFailure && cause.cause) return `${cause.cause.message} (${cause.message})`;
  if (cause) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
