import { RetryState } from '@temporalio/common';
import {
  ActivityCancellationType,
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { VmDecommissionActivities, VmServer } from '../activities/vm-decommission-activities.ts';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../domain/errors.ts';
import { bookkeeping, quickRpc } from './activity-options.ts';

/** Started by VmRequestService (`DELETE /v1/vms/{name}`) under the id `decommission-vm-<name>`. */
export interface DecommissionVmInput {
  name: string;
  /** Who asked, for the transition's reason. */
  requestedBy: string;
  /** From the provisioning catalog: how long the runner's job may take, and how it is polled. */
  deadlineSeconds: number;
  poll: { initialSeconds: number; maxSeconds: number };
}

export interface DecommissionProgress {
  name: string;
  step: string;
  /** Backends the VM was drained in and removed from, `backend@lb`. */
  removedFrom: string[];
  jobName?: string | undefined;
}

export interface DecommissionOutcome extends DecommissionProgress {
  /** False: the VM was DECOMMISSIONED already; nothing was done. */
  changed: boolean;
  chef?: { node: string; client: string } | undefined;
}

export const decommissionProgressQuery = defineQuery<DecommissionProgress>('decommissionProgress');

const db = proxyActivities<VmDecommissionActivities>(bookkeeping);
/** Chef and HAProxy: a drain waits up to its drain timeout inside the activity, heartbeating. */
const lb = proxyActivities<VmDecommissionActivities>(quickRpc);

/** The runner's job: submission retried a while; polls backed off up to the catalog's deadline (see create-vms.ts). */
function jobCalls(input: DecommissionVmInput, retry: ActivityOptions['retry']) {
  return proxyActivities<VmDecommissionActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '5s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    scheduleToCloseTimeout: input.deadlineSeconds * 1000,
    retry: { nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES], ...retry },
  });
}

/**
 * Retires one VM, each step a regular activity and each a no-op when run
 * again: out of every HAProxy backend of its application (drain, then `del
 * server`), the runner's decommission job (stops the VM), its Chef node and
 * client deleted, DECOMMISSIONED in the inventory. A failed step fails the
 * run with its error type and leaves the VM DECOMMISSIONING with the error;
 * a server drained but not removed is named in it. A repeated DELETE starts
 * a new run that goes through the same steps.
 */
export async function decommissionVm(input: DecommissionVmInput): Promise<DecommissionOutcome> {
  const { name } = input;
  const progress: DecommissionProgress = { name, step: 'start', removedFrom: [] };
  setHandler(decommissionProgressQuery, () => progress);
  const { status } = await db.beginDecommission({ name, reason: `decommission requested by ${input.requestedBy}` });
  if (status === 'DECOMMISSIONED') return { ...progress, step: 'done', changed: false };
  let drained: VmServer | undefined;
  try {
    progress.step = 'HAProxy lookup';
    for (const server of await lb.findVmServers({ name })) {
      progress.step = `drain in ${server.backend}`;
      await lb.drainVmServer({ name, ...server });
      drained = server;
      progress.step = `remove from ${server.backend}`;
      await lb.removeVmServer({ name, ...server });
      drained = undefined;
      progress.removedFrom.push(...server.loadBalancers.map((box) => `${server.backend}@${box.name}`));
    }
    progress.step = 'decommission job';
    const { jobName } = await jobCalls(input, { initialInterval: '1s', maximumInterval: '30s' }).submitDecommissionJob({ name, runId: workflowInfo().runId });
    progress.jobName = jobName;
    const poll = jobCalls(input, { initialInterval: input.poll.initialSeconds * 1000, backoffCoefficient: 2, maximumInterval: input.poll.maxSeconds * 1000 });
    await poll.pollDecommissionJob({ name, jobName });
    progress.step = 'Chef';
    const chef = await lb.deregisterVm({ name });
    progress.step = 'inventory';
    const where = progress.removedFrom.length ? `removed from ${progress.removedFrom.join(', ')}` : 'in no HAProxy backend';
    await db.markVmDecommissioned({ name, reason: `${where}; job ${jobName} SUCCEEDED; Chef node ${chef.node}, client ${chef.client}` });
    progress.step = 'done';
    return { ...progress, changed: true, chef };
  } catch (err) {
    const failure = causeOf(err);
    const leftDrained = drained
      ? `; ${name} is left drained (in maintenance) in ${drained.backend} on ${drained.loadBalancers.map((b) => b.name).join(', ')}`
      : '';
    const error = `${progress.step}: ${failure.message}${leftDrained}`;
    await CancellationScope.nonCancellable(() => db.noteDecommissionFailed({ name, error }));
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.create({ message: error, type: failure.type, nonRetryable: true, details: [{ vm: name, step: progress.step }] });
  }
}

/** The failed activity's own message and type (a timeout is the job's deadline). */
function causeOf(err: unknown): { message: string; type: string } {
  const cause: unknown = err instanceof ActivityFailure ? err.cause : err;
  // The server stops retrying the poll when the next try would pass the deadline: the last try's answer is the cause.
  if (err instanceof ActivityFailure && (err.retryState === RetryState.TIMEOUT || cause instanceof TimeoutFailure)) {
    const last = cause instanceof TimeoutFailure ? cause.cause?.message : cause instanceof Error ? cause.message : undefined;
    return { message: `no definitive result within the deadline${last ? `; last: ${last}` : ''}`, type: ErrorType.ProvisioningDeadline };
  }
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? ErrorType.InternalError };
  return { message: cause instanceof Error ? cause.message : String(cause), type: ErrorType.InternalError };
}
