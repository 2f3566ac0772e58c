import { TERMINAL_DEPLOYMENT_STATUSES } from '../domain/deployment.ts';
import { isFinal } from '../domain/vm-status.ts';
import type { VesemirClient } from './client.ts';
import { ConnectionError, WaitAborted } from './errors.ts';
import type { Deployment, Recycle, Vm, VmRequest } from './types.ts';

export interface Wait<T> {
  /** Called with each answer, the first and the last included; `previous` is the one before. */
  onProgress?: ((current: T, previous: T | undefined) => void) | undefined;
  /** Stops the wait (not the work) with a WaitAborted. */
  signal?: AbortSignal | undefined;
  /** Between polls. @default 2000 */
  pollMs?: number | undefined;
  /** Polls in a row that may fail to reach the API (it restarts) before the wait gives up. @default 10 */
  connectionFailures?: number | undefined;
  /** How to wait between polls (a live view redraws meanwhile). @default a timer that the signal cuts short */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

export type DeploymentWait = Wait<Deployment>;
export type VmWait = Wait<VmRequest>;
export type VmDecommissionWait = Wait<Vm>;

export const isTerminalDeployment = (status: string) => (TERMINAL_DEPLOYMENT_STATUSES as readonly string[]).includes(status);
/** A VM request is done when none of its VMs can change any more. */
export const vmsSettled = (r: VmRequest) => r.vms.every((vm) => isFinal(vm.status));

/** Polls one deployment until SUCCEEDED, FAILED or CANCELLED and answers that last state. */
export function waitForDeployment(client: VesemirClient, id: string, options: DeploymentWait = {}): Promise<Deployment> {
  return pollUntil(
    id,
    (signal) => client.getDeployment(id, { signal }),
    (d) => isTerminalDeployment(d.status),
    options,
  );
}

/** Polls a VM request until every VM is READY, FAILED or CANCELLED and answers it. */
export function waitForVms(client: VesemirClient, id: string, options: VmWait = {}): Promise<VmRequest> {
  return pollUntil(id, (signal) => client.getVmRequest(id, { signal }), vmsSettled, options);
}

/** A decommission is over when the VM is DECOMMISSIONED, or DECOMMISSIONING with the error of a run that failed. */
export const decommissionSettled = (vm: Vm) => vm.status === 'DECOMMISSIONED' || (vm.status === 'DECOMMISSIONING' && vm.error !== null);

/** Polls one VM until its decommission is over and answers it: DECOMMISSIONED, or still DECOMMISSIONING with `error`. */
export function waitForDecommission(client: VesemirClient, name: string, options: VmDecommissionWait = {}): Promise<Vm> {
  return pollUntil(name, (signal) => client.getVm(name, { signal }), decommissionSettled, options);
}

export type RecycleWait = Wait<Recycle>;

/** Polls a fleet recycle until SUCCEEDED, FAILED or CANCELLED and answers that last state. */
export function waitForRecycle(client: VesemirClient, id: string, options: RecycleWait = {}): Promise<Recycle> {
  return pollUntil(
    id,
    (signal) => client.getRecycle(id, { signal }),
    (r) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status),
    options,
  );
}

async function pollUntil<T>(id: string, get: (signal?: AbortSignal) => Promise<T>, done: (t: T) => boolean, options: Wait<T>): Promise<T> {
  const { signal, pollMs = 2000, connectionFailures = 10, sleep = abortableSleep } = options;
  let previous: T | undefined;
  for (let failures = 0; ; ) {
    if (signal?.aborted) throw new WaitAborted(id);
    let current: T;
    try {
      current = await get(signal);
      failures = 0;
    } catch (err) {
      if (signal?.aborted) throw new WaitAborted(id);
      // An API restart is not the end of what it runs.
      if (!(err instanceof ConnectionError) || ++failures > connectionFailures) throw err;
      await sleep(pollMs, signal);
      continue;
    }
    options.onProgress?.(current, previous);
    if (done(current)) return current;
    previous = current;
    await sleep(pollMs, signal);
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
