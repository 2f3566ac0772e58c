import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeployActivities } from '../activities/index.ts';
import { bookkeeping } from './activity-options.ts';
import {
  acquireLockSignal,
  type LockHolder,
  type LockState,
  type LockTurnAnswer,
  lockGrantedSignal,
  lockStateQuery,
  releaseLockSignal,
  takeTurnUpdate,
} from './definitions.ts';

/** How soon a holder that never confirmed its grant is checked (its deploy may not have started). */
const UNCONFIRMED_CHECK = '2s';

/**
 * One per (application, environment): hands the right to touch hosts to one
 * deploy at a time, in the order they asked. The API takes a deploy's turn
 * with the `takeTurn` update before starting it (so `queue: false` is decided
 * here, atomically); the deploy asks again through signal-with-start (a
 * no-op for a deploy already known, except that a holder is told again) and
 * gives the turn back with `releaseLock`.
 */
export async function deploymentLock(initial?: LockState): Promise<void> {
  const state: LockState = initial ?? { holder: undefined, queue: [] };
  const checks = proxyActivities<DeployActivities>(bookkeeping);
  let tellHolder = false;
  const position = (workflowId: string): number | undefined => {
    if (state.holder?.workflowId === workflowId) return 0;
    const at = state.queue.findIndex((q) => q.workflowId === workflowId);
    return at < 0 ? undefined : at + (state.holder ? 1 : 0);
  };
  const join = (req: LockHolder): number => {
    const known = position(req.workflowId);
    if (known === 0 && state.holder) tellHolder = true;
    if (known !== undefined) return known;
    state.queue.push({ workflowId: req.workflowId, deploymentId: req.deploymentId });
    return position(req.workflowId)!;
  };
  setHandler(lockStateQuery, () => state);
  setHandler(acquireLockSignal, (req) => {
    join(req);
  });
  setHandler(takeTurnUpdate, ({ queue, ...req }): LockTurnAnswer => {
    const ahead = state.holder ?? state.queue[0];
    if (!queue && ahead && position(req.workflowId) === undefined) return { status: 'busy', holder: ahead };
    return { status: 'accepted', position: join(req) };
  });
  setHandler(releaseLockSignal, ({ workflowId }) => {
    if (state.holder?.workflowId === workflowId) state.holder = undefined;
    state.queue = state.queue.filter((q) => q.workflowId !== workflowId);
  });

  for (;;) {
    const wait = state.holder ? (state.unconfirmed ? UNCONFIRMED_CHECK : `${state.livenessCheckSeconds ?? 30}s`) : '1 hour';
    const ready = await condition(() => tellHolder || (state.holder === undefined && state.queue.length > 0), wait);
    if (!ready) {
      if (state.holder === undefined && state.queue.length === 0) return;
      // A deploy terminated by hand never releases, and one reserved by an API that died never starts.
      const holder = state.holder;
      if (holder && !(await checks.isDeployRunning({ workflowId: holder.workflowId }))) {
        if (state.holder === holder) state.holder = undefined;
      }
      continue;
    }
    if (!tellHolder) {
      state.holder = state.queue.shift()!;
      state.unconfirmed = false;
    }
    tellHolder = false;
    const holder = state.holder!;
    try {
      await getExternalWorkflowHandle(holder.workflowId).signal(lockGrantedSignal);
      if (state.holder === holder) state.unconfirmed = false;
    } catch {
      // Not started yet (its turn was taken first) or gone: it is told again when it asks,
      // and its turn passes on if it is not running at the next check.
      if (state.holder === holder) state.unconfirmed = true;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof deploymentLock>(state);
    }
  }
}

// The lock outlives any worker version (it runs as long as deploys keep asking):
// it moves to each new version, so a change to its logic takes `patched()`.
// Only a versioned worker may name a behaviour (VESEMIR_WORKER_VERSIONING=off, tests' plain workers).
// (A plain worker still reports a version: its build ID, with no deployment name.)
setWorkflowOptions(() => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' } : {}), deploymentLock);
