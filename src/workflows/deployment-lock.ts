import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { acquireLockSignal, type LockState, lockGrantedSignal, lockStateQuery, releaseLockSignal } from './definitions.ts';

/**
 * One per (application, environment): hands the right to touch hosts to one
 * deploy at a time, in the order they asked. Deploys ask through
 * signal-with-start and give it back with `releaseLock`.
 */
export async function deploymentLock(initial?: LockState): Promise<void> {
  const state: LockState = initial ?? { holder: undefined, queue: [] };
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
    const ready = await condition(() => state.holder === undefined && state.queue.length > 0, '1 hour');
    if (!ready) {
      if (state.holder === undefined && state.queue.length === 0) return;
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
