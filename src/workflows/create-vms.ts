import { RetryState } from '@temporalio/common';
import {
  ActivityCancellationType,
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  defineQuery,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { VmActivities } from '../activities/vm-activities.ts';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../domain/errors.ts';
import type { VmStatus } from '../domain/vm-status.ts';
import { bookkeeping } from './activity-options.ts';

/**
 * Started by VmRequestService with the Application, Environment and Team
 * search attributes set at start; nothing here changes them, so the workflow
 * also runs where they are not registered (the time-skipping test server).
 */
export interface CreateVmsInput {
  requestId: string;
  application: string;
  environment: string;
  team: string;
  /** The names the store allocated, already saved as REQUESTED. */
  vms: string[];
  /** From the provisioning catalog: submission to READY, per VM, counted from the workflow's start. */
  deadlineSeconds: number;
  poll: { initialSeconds: number; maxSeconds: number };
}

export interface VmOutcome {
  name: string;
  status: 'READY' | 'FAILED' | 'CANCELLED';
  address?: string | undefined;
  error?: string | undefined;
  /** The runner's execution, once submitted: a CANCELLED VM's job is left to the runner. */
  jobName?: string | undefined;
}

export interface CreateVmsOutcome {
  requestId: string;
  vms: VmOutcome[];
}

export interface VmProgress {
  name: string;
  status: VmStatus;
  error?: string | undefined;
  jobName?: string | undefined;
}

/** Each VM's status as the workflow sees it, for the CLI and the UI. */
export const vmsProgressQuery = defineQuery<VmProgress[]>('vmsProgress');

const db = proxyActivities<VmActivities>(bookkeeping);

/**
 * Why polling is the activity's retry policy and not a loop of durable timers:
 * the server retries with exponential backoff without writing a history
 * event per attempt, so 50 VMs polled for half an hour stay well under a
 * thousand events instead of over ten thousand; the deadline is the activity's
 * schedule-to-close timeout, enforced by the server even while no worker
 * runs; and the pending activity in the UI shows the attempt count and the
 * job's last answer. Every answer but SUCCEEDED is a failure of the poll,
 * so an ambiguous status can never be taken for success; "not yet" failures
 * are BENIGN, so they neither log warnings nor count as errors in metrics.
 *
 * A cancel of the workflow (the API's, or the UI's) cancels a try in backoff
 * at once and reaches a running one through its heartbeat; the workflow
 * waits for that try to end, so a submission in flight finishes and its job
 * is known, and no poll runs after its VM is marked CANCELLED.
 */
function withinDeadline(remainingMs: number, retry: ActivityOptions['retry']): ActivityOptions {
  return {
    startToCloseTimeout: '30s',
    heartbeatTimeout: '5s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    scheduleToCloseTimeout: remainingMs,
    retry: { nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES], ...retry },
  };
}

/**
 * One provisioning job per VM, all at once; each VM ends READY, FAILED (with
 * the reason) or, when the request is cancelled, CANCELLED; never in between.
 */
export async function createVms(input: CreateVmsInput): Promise<CreateVmsOutcome> {
  const deadline = workflowInfo().runStartTime.getTime() + input.deadlineSeconds * 1000;
  const progress: VmProgress[] = input.vms.map((name) => ({ name, status: 'REQUESTED' }));
  setHandler(vmsProgressQuery, () => progress);
  const vms = await Promise.all(progress.map((row) => provision(row, input, deadline)));
  // Every VM is saved by now; the run then ends as cancelled in Temporal too.
  if (vms.some((vm) => vm.status === 'CANCELLED')) throw new CancelledFailure(`VM request ${input.requestId} cancelled`);
  return { requestId: input.requestId, vms };
}

async function provision(row: VmProgress, input: CreateVmsInput, deadline: number): Promise<VmOutcome> {
  const { name } = row;
  let stage = 'submit';
  try {
    const submit = proxyActivities<VmActivities>(withinDeadline(remaining(deadline), { initialInterval: '1s', maximumInterval: '30s' }));
    const { jobName } = await submit.submitProvisioningJob({ name });
    Object.assign(row, { status: 'PROVISIONING', jobName });
    // No job name: the VM was found in Chef before a resubmission, nothing to poll.
    if (jobName) {
      stage = `job ${jobName}`;
      const poll = proxyActivities<VmActivities>(
        withinDeadline(remaining(deadline), {
          initialInterval: input.poll.initialSeconds * 1000,
          backoffCoefficient: 2,
          maximumInterval: input.poll.maxSeconds * 1000,
        }),
      );
      await poll.pollProvisioningJob({ name, jobName });
    }
    stage = 'Chef lookup';
    const chef = proxyActivities<VmActivities>(withinDeadline(remaining(deadline), { initialInterval: '1s', maximumInterval: '15s' }));
    const { address } = await chef.locateVm({ name });
    // Found, the VM exists: a cancel arriving now does not hide it.
    await CancellationScope.nonCancellable(() => db.markVmReady({ name, address }));
    row.status = 'READY';
    return { name, status: 'READY', address, jobName };
  } catch (err) {
    // A cancel that lands while a poll's attempt is failing ("job … is WAITING") surfaces
    // as that failure, not as a cancellation: the request was cancelled all the same.
    const status = isCancellation(err) || CancellationScope.current().consideredCancelled ? 'CANCELLED' : 'FAILED';
    const reason = status === 'CANCELLED' ? cancelReason(row) : `${stage}: ${reasonOf(err, input.deadlineSeconds)}`;
    Object.assign(row, { status, error: reason });
    const save = status === 'CANCELLED' ? db.markVmCancelled : db.markVmFailed;
    await CancellationScope.nonCancellable(() => save({ name, reason })).catch((saveErr) =>
      // The outcome still says it; the inventory row is what an operator must fix.
      log.error('could not save a finished VM', { name, status, reason, error: String(saveErr) }),
    );
    return { name, status, error: reason, jobName: row.jobName };
  }
}

function cancelReason(row: VmProgress): string {
  if (row.jobName) return `cancelled; job ${row.jobName} was submitted already and is left to the runner`;
  return row.status === 'REQUESTED' ? 'cancelled before its job was submitted' : 'cancelled';
}

function remaining(deadline: number): number {
  const left = deadline - Date.now();
  if (left <= 0) throw ApplicationFailure.nonRetryable('the deadline passed', ErrorType.ProvisioningDeadline);
  return left;
}

/** The cause in words; a deadline names itself and the job's last answer. */
function reasonOf(err: unknown, deadlineSeconds: number): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const deadline = `no definitive result within the ${deadlineSeconds}s deadline`;
  // The server gives up when the next retry would pass schedule-to-close: the
  // failure is then the last attempt's, with retry state TIMEOUT.
  if (err instanceof ActivityFailure && err.retryState === RetryState.TIMEOUT) {
    const last = err.cause instanceof TimeoutFailure ? err.cause.cause?.message : err.cause?.message;
    return `${deadline}${last ? `; last: ${last}` : ''}`;
  }
  if (cause instanceof TimeoutFailure) return deadline;
  if (cause instanceof ApplicationFailure && cause.type === ErrorType.ProvisioningDeadline) return deadline;
  return cause instanceof Error ? cause.message : String(cause);
}
