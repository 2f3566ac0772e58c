import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Timeouts and retries per class of work. Every regular activity that
 * runs long heartbeats each second, so a worker that dies is noticed after
 * `heartbeatTimeout` and the step is retried elsewhere; a local activity's
 * worker is noticed through its workflow task's timeout. All steps are idempotent.
 */

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

/** Chef, HAProxy runtime API: one round trip per box. */
export const quickRpc: ActivityOptions = {
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
};

/**
 * The HAProxy steps of a host (drain, enable, 100%) as local activities: a
 * runtime-API command per box takes milliseconds, less than the server's own
 * round trip for an activity task. No heartbeat: a worker killed under one
 * fails its workflow task, and the next worker runs the step again (each is
 * idempotent: set a state and weight the server may already have).
 */
export const localQuickRpc = asLocal(quickRpc);

/** SSH work: uploads, unpacking, restarts. */
export const sshWork: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 4 },
};

/** Health waits run as long as the request allows, polling inside the activity. */
export function healthWait(timeoutSeconds: number): ActivityOptions {
  return {
    startToCloseTimeout: `${timeoutSeconds + 30}s`,
    heartbeatTimeout: '5s',
    retry: { initialInterval: '1s', maximumAttempts: 3 },
  };
}

/**
 * A host's steps on the way forward (stage, activate, restart, health,
 * prune) as local activities: most take well under a second, less than the
 * server's round trip for an activity task, and a host then runs in one
 * workflow task instead of one per step. One running longer than the
 * workflow task timeout (a big artifact on a slow link) keeps its task alive
 * (the SDK heartbeats it), and a worker killed under one is noticed when the
 * task times out, within 10 s; the next worker runs the step again (each is
 * idempotent). A cancel reaches such a step at the task's next heartbeat,
 * about 8 s at most, as a regular activity's would at its own next heartbeat.
 */
export const localSshWork = asLocal(sshWork);

export function localHealthWait(timeoutSeconds: number): LocalActivityOptions {
  return asLocal(healthWait(timeoutSeconds));
}

/** Fetching the artifact into the worker's cache; heartbeats so that a killed worker is noticed in seconds. */
export const artifactFetch: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
};
