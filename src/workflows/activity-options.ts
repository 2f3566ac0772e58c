import { ActivityCancellationType, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';

/**
 * Timeouts and retries per class of work. All steps are idempotent.
 *
 * The rule: every step that touches a host or a load balancer, or waits on
 * one, is a regular activity that heartbeats each second. An operator then
 * sees it pending in the Temporal UI (attempt, last heartbeat) while it runs
 * and as its own bar afterwards; a worker that dies is noticed after
 * `heartbeatTimeout`; a cancel reaches the step at its next heartbeat.
 * Local activities are kept for bookkeeping and sub-second RPCs to our own
 * services (database writes, the lock request), where a server round trip
 * per call would cost more than the work. Calls to other services (Chef, the
 * artifact server) are regular activities even when quick: a local activity
 * that retries holds its workflow task, and controls wait behind it.
 *
 * A cancelled host step is waited for (WAIT_CANCELLATION_COMPLETED): a wait
 * stops at once, a command finishes, and only then does the workflow put the
 * host back, so the compensation never runs beside a step still at work.
 */
const waitForTheStep = { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED };

/**
 * The same class of work as a local activity: the same start-to-close timeout
 * and retries, and no heartbeat timeout (a local activity sends none; its
 * workflow task stands for it).
 */
function asLocal({ startToCloseTimeout, retry }: ActivityOptions): LocalActivityOptions {
  return { startToCloseTimeout, retry };
}

/** Database writes: quick, retried for a while. */
export const bookkeeping: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 20 },
};

/**
 * The same writes as local activities: run by the worker that runs the
 * workflow task, recorded as a marker in it, with no task of their own on
 * the server. A worker killed under one fails its workflow task, and the
 * next worker runs the write again (every write is idempotent).
 */
export const localBookkeeping = asLocal(bookkeeping);

/** HAProxy runtime API: one round trip per box. */
export const quickRpc: ActivityOptions = {
  ...waitForTheStep,
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
};

/**
 * How long a deploy that got its turn may spend on the checks before it
 * touches anything (the Chef search, the artifact's download and checksum):
 * a deploy that cannot start (Chef failing, the artifact unreachable) ends
 * FAILED with the reason within this bound and hands the lock on, instead of
 * holding it while it retries. docs/operating.md states it.
 */
export const START_CHECKS_BOUND = '90s';

/**
 * The start checks are regular activities, so the workflow task is free while
 * Chef or the artifact server is slow: a control is answered at once, and a
 * cancel stops the checks at their next heartbeat.
 */
const startCheck = {
  ...waitForTheStep,
  scheduleToCloseTimeout: START_CHECKS_BOUND,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 4 },
} satisfies ActivityOptions;

/** The Chef search of a deploy's discovery (Chef's own timeout is 10 s per request). */
export const discovery: ActivityOptions = { ...startCheck, startToCloseTimeout: '30s', heartbeatTimeout: '5s' };

/** Fetching the artifact into the worker's cache; the source gives up on a server that does not answer within 10 s. */
export const artifactFetch: ActivityOptions = { ...startCheck, startToCloseTimeout: '80s', heartbeatTimeout: '10s' };

/** SSH work: uploads, unpacking, restarts. */
export const sshWork: ActivityOptions = {
  ...waitForTheStep,
  startToCloseTimeout: '10m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 4 },
};

/** Health waits run as long as the request allows, polling inside the activity. */
export function healthWait(timeoutSeconds: number): ActivityOptions {
  return {
    ...waitForTheStep,
    startToCloseTimeout: `${timeoutSeconds + 30}s`,
    heartbeatTimeout: '5s',
    retry: { initialInterval: '1s', maximumAttempts: 3 },
  };
}
