import { defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';
import type { RecycleProgress } from '../domain/fleet-recycle-batches.ts';

/** What a control of a recycle answers. */
export interface RecycleControlAnswer {
  recycleId: string;
  status: RecycleProgress['status'];
  message: string;
}

export const recycleProgressQuery = defineQuery<RecycleProgress>('recycleProgress');
export const pauseRecycleUpdate = defineUpdate<RecycleControlAnswer>('pauseRecycle');
export const resumeRecycleUpdate = defineUpdate<RecycleControlAnswer>('resumeRecycle');
export const cancelRecycleUpdate = defineUpdate<RecycleControlAnswer>('cancelRecycle');

export interface RecycleControl {
  paused: boolean;
  cancelled: boolean;
  /** No control applies any more: the recycle is writing its outcome. */
  finishing: boolean;
}

/**
 * Pause / resume / cancel as for deploys, as updates with validators (a
 * control that does not apply is refused before it enters the history).
 * Pause: no new batch starts, the batch in flight finishes. Cancel: no new
 * batch starts; a batch whose new VMs are not serving yet is compensated.
 */
export function installRecycleControls(progress: RecycleProgress, control: RecycleControl, onChange: () => Promise<void>): void {
  const answer = (message: string): RecycleControlAnswer => ({ recycleId: progress.recycleId, status: progress.status, message });
  const mustBeActive = () => {
    if (control.finishing) throw new Error(`fleet recycle ${progress.recycleId} is finishing (${progress.status}); nothing to control`);
    if (control.cancelled) throw new Error(`fleet recycle ${progress.recycleId} is being cancelled`);
  };
  const running = () => {
    if (progress.status === 'RUNNING' || progress.status === 'PAUSED') progress.status = control.paused ? 'PAUSED' : 'RUNNING';
  };
  setHandler(recycleProgressQuery, () => progress);
  setHandler(
    pauseRecycleUpdate,
    async () => {
      control.paused = true;
      running();
      await onChange();
      return answer('paused: no new batch starts; the batch in flight finishes');
    },
    { validator: mustBeActive },
  );
  setHandler(
    resumeRecycleUpdate,
    async () => {
      control.paused = false;
      running();
      await onChange();
      return answer('resumed');
    },
    {
      validator: () => {
        mustBeActive();
        if (!control.paused) throw new Error(`fleet recycle ${progress.recycleId} is not paused`);
      },
    },
  );
  setHandler(
    cancelRecycleUpdate,
    async () => {
      control.cancelled = true;
      return answer('cancelling: no new batch starts; new VMs not serving yet are removed and decommissioned, the old ones kept');
    },
    { validator: mustBeActive },
  );
}
