import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeployActivities } from '../activities/index.ts';
import { bookkeeping } from './activity-options.ts';
import { acquireLockSignal, type LockState, lockGrantedSignal, lockStateQuery, releaseLockSignal } from './definitions.ts';

/**
 * One per (application, environment): hands the right to touch hosts to one
 * deploy at a time, in the order they asked. Deploys ask through
 * signal-with-start and give it back with `releaseLock`.
 */
export async function deploymentLock(initial?: LockState): Promise<void> {
  const state: LockState = initial ?? { holder: undefined, queue: [] };
  const checks = proxyActivities<DeployActivities>(bookkeeping);
  setHandler(lockStateQuery, () => state);
  setHandler(acquireLockSignal, (req) => {
    const known = state.holder?.workflowId === req.workflowId || state.queue.some((q) => q.workflowId === req.workflowId);
    if (!known) state.queue.push(req);
  });
  setHandler(releaseLockSignal, ({ workflowId }) => {
    if (state.holder?.workflowId === workflowId) state.holder = undefined;
    state.queue = state.queue.filter((q) => q.workflowId !== workflowId);
  });

  for (;;) {
    const wait = state.holder ? `${state.livenessCheckSeconds ?? 30}s` : '1 hour';
    const ready = await condition(() => state.holder === undefined && state.queue.length > 0, wait);
    if (!ready) {
      if (state.holder === undefined && state.queue.length === 0) return;
      // A deploy terminated by hand never releases: its turn ends when it is gone.
      const holder = state.holder;
      if (holder && !(await checks.isDeployRunning({ workflowId: holder.workflowId }))) {
        if (state.holder === holder) state.holder = undefined;
      }
      continue;
    }
    const next = state.queue.shift()!;
    state.holder = next;
    try {
      await getExternalWorkflowHandle(next.workflowId).signal(lockGrantedSignal);
    } catch {
      // The deploy is gone (terminated): its turn passes to the next one.
      state.holder = undefined;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof deploymentLock>(state);
    }
  }
}
