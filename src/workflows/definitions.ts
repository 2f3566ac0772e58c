import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ControlAnswer, DeployProgress } from '../domain/deploy-types.ts';

/** Signals and queries shared by workflows, the API and the CLI. */

export interface LockHolder {
  workflowId: string;
  deploymentId: string;
}
export interface LockState {
  holder: LockHolder | undefined;
  /** The holder has not confirmed its grant yet (it was reserved before its workflow started). */
  unconfirmed?: boolean | undefined;
  queue: LockHolder[];
  /** How often the lock checks that its holder still runs (a terminated deploy never releases). @default 30 */
  livenessCheckSeconds?: number | undefined;
}

export const acquireLockSignal = defineSignal<[LockHolder]>('acquireLock');
export const releaseLockSignal = defineSignal<[{ workflowId: string }]>('releaseLock');
export const lockGrantedSignal = defineSignal('lockGranted');
export const lockStateQuery = defineQuery<LockState>('lockState');

/** Taking a turn, answered at once: `queue: false` is refused while another deploy holds or waits. */
export interface LockTurnRequest extends LockHolder {
  queue: boolean;
}
export type LockTurnAnswer =
  | { status: 'accepted' /** Deploys ahead of this one: 0 when it holds the lock or is next. */; position: number }
  | { status: 'busy'; holder: LockHolder };
export const takeTurnUpdate = defineUpdate<LockTurnAnswer, [LockTurnRequest]>('takeTurn');

export const progressQuery = defineQuery<DeployProgress>('progress');

/** Operators' controls: updates, so that the caller learns at once whether it was taken. */
export const pauseUpdate = defineUpdate<ControlAnswer>('pause');
export const resumeUpdate = defineUpdate<ControlAnswer>('resume');
export const cancelUpdate = defineUpdate<ControlAnswer, [{ rollback?: boolean }]>('cancel');
export const approveUpdate = defineUpdate<ControlAnswer>('approve');
export const retryUpdate = defineUpdate<ControlAnswer>('retry');

/** Workflow IDs are deterministic, so every repeat of a request is harmless. */
export const deployWorkflowId = (deploymentId: string) => `deploy-${deploymentId}`;
export const hostWorkflowId = (deployWorkflowId: string, host: string) => `${deployWorkflowId}/host/${host}`;
/** Per task queue too: two Vesemir installations (or test runs) sharing a namespace never share a lock. */
export const lockWorkflowId = (taskQueue: string, application: string, environment: string) => `deploy-lock/${taskQueue}/${application}/${environment}`;
