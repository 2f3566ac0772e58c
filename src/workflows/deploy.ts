import {
  allHandlersFinished,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  makeContinueAsNewFunc,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type {
  CarriedRun,
  DeployOutcome,
  DeployProgress,
  DeployWorkflowInput,
  HostResult,
  HostsFound,
  RolloutControl,
  StatusTurn,
} from '../domain/deploy-types.ts';
import type { DeploymentStatus } from '../domain/deployment.ts';
import { type Concurrency, planPhases } from '../domain/plan.ts';
import { runBackend } from '../domain/targets.ts';
import { DeployStatus } from '../temporal/search-attributes.ts';
import { artifactFetch, discovery, localBookkeeping } from './activity-options.ts';
import { installControls } from './controls.ts';
import { lockGrantedSignal, lockWorkflowId, progressQuery, releaseLockSignal } from './definitions.ts';
import { alongside, describe } from './deploy-host.ts';
import { carry, type Left, resume } from './hand-over.ts';
import { discoverCreatingFleet, type FleetPhase } from './provision-fleet.ts';
import { checkKeptReleases, keptReleases } from './rollback.ts';
import { isFailure, markSkipped, type RolloutContext, rollBackDone, rollOut } from './rollout.ts';

const localDb = proxyLocalActivities<Activities>(localBookkeeping);
const discoverer = proxyActivities<Activities>(discovery);
const fetcher = proxyActivities<Activities>(artifactFetch);

/**
 * A deployment: wait for the (application, environment) lock, check the
 * artifact, discover the hosts once, then roll them out phase by phase, one
 * child workflow per host, within the failure budget, under the operators'
 * controls (pause, resume, cancel, approve, retry). A retry run (`input.retry`)
 * reuses the previous run's host snapshot and runs only the hosts not DONE. A
 * rollback of a finished deploy (`input.rollbackOf`) takes that deploy's DONE
 * hosts back to their kept previous release through the same steps, minus the stage.
 * A run whose history is full hands what is left to a new run (`input.carried`):
 * same workflow ID, same lock, same controls.
 */
export async function deploy(input: DeployWorkflowInput): Promise<DeployOutcome> {
  const { deploymentId, request, carried } = input;
  const workflowId = workflowInfo().workflowId;
  const progress: DeployProgress = { deploymentId, status: carried?.status ?? 'QUEUED', hosts: [] };
  const control: RolloutControl = carried?.control ?? { paused: false, cancel: undefined, approved: false, retryQueue: [] };
  let granted = carried !== undefined;
  let rollout: RolloutContext | undefined;
  let left: Left | undefined;
  setHandler(progressQuery, () => progress);
  setHandler(lockGrantedSignal, () => {
    granted = true;
  });

  // `turn` tells the metrics which status starts this run and which ends one that never started.
  const setStatus = async (status: DeploymentStatus, error?: string, turn?: StatusTurn) => {
    progress.status = status;
    upsertSearchAttributes([{ key: DeployStatus, value: status }]);
    await localDb.setDeploymentStatus({ deploymentId, status, error, turn });
  };
  const controls = installControls({ deploymentId, progress, control, setStatus, rollout: () => rollout });

  const lock = { application: request.application, environment: request.environment, workflowId, deploymentId };
  const lockId = lockWorkflowId(workflowInfo().taskQueue, lock.application, lock.environment);
  const round = carried?.round ?? input.retry?.round ?? 1;
  let outcome: DeployOutcome = { status: 'FAILED', hosts: [] };
  // The end of the rollout: the outcome, or what the next run does when this one's history is full.
  const settle = async (ctx: RolloutContext, rollbackLeft?: string[]) => {
    const end = await finish(ctx, controls, rollbackLeft);
    if ('status' in end) outcome = { ...end, ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}) };
    else left = end;
  };
  // A cancel from the Temporal UI or `temporal workflow cancel` is the operators' cancel:
  // no new host starts, the hosts in flight stop and are put back (rollOut cancels them;
  // the rest of this run is out of the cancel's reach), the lock is released, and the run
  // then ends as cancelled.
  let temporalCancel: unknown;
  CancellationScope.current().cancelRequested.catch((err) => {
    temporalCancel = err;
    control.cancel ??= { rollback: false };
  });
  await CancellationScope.nonCancellable(async () => {
    try {
      if (carried) {
        rollout = resume(carried, { deploymentId, request, progress, onGate: controls.onGate, historyEventsPerRun: input.historyEventsPerRun });
        const phases = carried.rollbackLeft ? undefined : await rollOut(rollout, carried.phases);
        if (phases) left = { phases };
        else await settle(rollout, carried.rollbackLeft);
        return;
      }
      await localDb.requestDeployLock(lock);
      await condition(() => granted || control.cancel !== undefined);
      if (!granted) throw new Error('cancelled while queued');
      // The lazy-creation phase, apart: with no host found and a fleet declared, the VMs are created first.
      const fleetPhase: FleetPhase = {
        deploymentId,
        team: request.team,
        maxFailedHosts: request.maxFailedHosts,
        setStatus: (status) => setStatus(status),
        afterwards: () => (control.paused ? 'PAUSED' : 'RUNNING'),
      };
      const discover = async () =>
        input.retry ??
        (await discoverCreatingFleet(
          discoverer.discover,
          { deploymentId, application: request.application, environment: request.environment, chef: request.chef, haproxy: request.haproxy },
          fleetPhase,
        ));
      // The checks are bounded (START_CHECKS_BOUND) and stop at a cancel. All settle before anything
      // goes on: a failed check is reported once the others are done.
      const checks = new CancellationScope();
      void condition(() => control.cancel !== undefined).then(() => checks.cancel());
      // A rollback of a finished deploy has its hosts and releases already: it checks they are kept.
      const { rollbackOf } = input;
      const startChecks = (): Promise<HostsFound> =>
        rollbackOf ? checkKeptReleases(deploymentId, request.application, rollbackOf) : alongside(discover(), fetcher.verifyArtifact(request.artifact));
      const found = await alongside(checks.run(startChecks), setStatus(control.paused ? 'PAUSED' : 'RUNNING', undefined, 'taken'));
      const { hosts, loadBalancers } = found;
      const previous = new Map((input.retry?.previous ?? []).filter((r) => r.status === 'DONE').map((r) => [r.name, r]));
      progress.hosts = hosts.map((h) => ({ name: h.name, status: previous.has(h.name) ? 'DONE' : 'PENDING' }));
      // A retry run compares each host with what HAProxy showed before the first run, not with the drain it left.
      const foundBefore = new Map((input.retry?.previous ?? []).flatMap((r) => (r.lbFound ? [[r.name, r.lbFound] as const] : [])));
      rollout = {
        deploymentId,
        request,
        backend: runBackend(found, request),
        hosts,
        loadBalancers,
        progress,
        control,
        results: new Map(previous),
        round,
        rounds: new Map(),
        foundBefore,
        onGate: controls.onGate,
        ...(rollbackOf ? { kept: keptReleases(rollbackOf, found.current ?? {}) } : {}),
        historyEventsPerRun: input.historyEventsPerRun,
      };
      const toRun = hosts.map((h) => h.name).filter((name) => !previous.has(name));
      const phases = planPhases(toRun, request.concurrency as Concurrency, input.retry ? undefined : request.canary);
      const phasesLeft = await rollOut(rollout, phases);
      if (phasesLeft) left = { phases: phasesLeft };
      else await settle(rollout);
    } catch (err) {
      left = undefined;
      outcome = { ...outcome, status: control.cancel ? 'CANCELLED' : 'FAILED', error: describe(err) };
    } finally {
      if (!left) {
        controls.finishing();
        await setStatus(outcome.status, outcome.error, granted ? undefined : 'never-taken');
        // Also when it never got its turn: a cancelled deploy leaves the queue at once.
        await getExternalWorkflowHandle(lockId)
          .signal(releaseLockSignal, { workflowId })
          .catch(() => undefined);
      }
    }
  });
  if (left && rollout) await handOver(input, carry(rollout, left, carried?.runs ?? 0));
  if (temporalCancel) throw temporalCancel;
  return outcome;
}

/**
 * Continues as new once every control in progress has finished, so none is
 * lost between the runs; the lock stays held (it knows the deploy by workflow ID).
 */
async function handOver(input: DeployWorkflowInput, next: CarriedRun): Promise<never> {
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  const { deploymentId, request, rollbackOf, historyEventsPerRun } = input;
  // The search attributes as this run left them (its DeployStatus and the owner's).
  return makeContinueAsNewFunc<typeof deploy>({ typedSearchAttributes: workflowInfo().typedSearchAttributes })({
    deploymentId,
    request,
    ...(rollbackOf ? { rollbackOf } : {}),
    ...(historyEventsPerRun ? { historyEventsPerRun } : {}),
    carried: next,
  });
}

/**
 * Rolls back if asked (cancel with rollback, or autoRollback on a spent budget),
 * reports the rest; hands over when the run's history fills while rolling back.
 */
async function finish(ctx: RolloutContext, controls: { finishing(): void }, rollbackLeft?: string[]): Promise<DeployOutcome | Left> {
  controls.finishing();
  const budgetSpent = [...ctx.results.values()].filter(isFailure).length > ctx.request.maxFailedHosts;
  const rollback = rollbackLeft !== undefined || ctx.control.cancel?.rollback || (budgetSpent && ctx.request.autoRollback);
  if (rollback) {
    const window = typeof ctx.request.concurrency === 'number' ? ctx.request.concurrency : 1;
    const notYet = await CancellationScope.nonCancellable(() => rollBackDone(ctx, window, rollbackLeft));
    if (notYet) return { rollbackLeft: notYet };
  }
  await markSkipped(ctx, ctx.control.cancel ? 'deployment cancelled' : 'failure budget spent');
  const results: HostResult[] = [...ctx.results.values()];
  const failed = results.filter(isFailure);
  const status = ctx.control.cancel ? 'CANCELLED' : failed.length === 0 && results.length === ctx.hosts.length ? 'SUCCEEDED' : 'FAILED';
  return {
    status,
    hosts: results,
    error: failed.length > 0 ? failed.map((r) => `${r.name} ${r.status}: ${r.error ?? ''}`).join('; ') : undefined,
    snapshot: { hosts: ctx.hosts, loadBalancers: ctx.loadBalancers, backend: ctx.backend },
    round: ctx.round,
  };
}
