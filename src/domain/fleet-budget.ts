/**
 * Lazy creation's decisions, free of zod and I/O: the deploy workflow imports
 * this into its sandbox.
 */

/** What a deploy creates before it deploys, from the application's declared fleet. */
export interface FleetToCreate {
  stack: string;
  osVersion: string;
  machineType?: string | undefined;
  count: number;
}

/**
 * The VM request of a deployment's fleet, derived from its id: a repeat of the
 * step finds the same request (and names), and the API finds it from the
 * deployment alone. Deployment ids are `d-<hex or uuid>`.
 */
export const fleetRequestId = (deploymentId: string): string => `vr-${deploymentId.replace(/^d-/, '')}`;

export interface CreatedVm {
  name: string;
  status: string;
  error?: string | undefined;
}

export type FleetVerdict = { proceed: true; ready: string[]; failed: string[] } | { proceed: false; ready: string[]; failed: string[]; reason: string };

/**
 * A partial creation obeys the deploy's failure budget: VMs that did not come
 * up READY count as failed hosts; more than `maxFailedHosts` of them (or none
 * READY at all) fails the deploy naming them, otherwise it goes on with the READY ones.
 */
export function fleetVerdict(vms: readonly CreatedVm[], maxFailedHosts: number): FleetVerdict {
  const ready = vms.filter((vm) => vm.status === 'READY').map((vm) => vm.name);
  const failedVms = vms.filter((vm) => vm.status !== 'READY');
  const failed = failedVms.map((vm) => vm.name);
  const named = failedVms.map((vm) => `${vm.name} ${vm.status}${vm.error ? `: ${vm.error}` : ''}`).join('; ');
  if (ready.length === 0) {
    return { proceed: false, ready, failed, reason: `none of the ${vms.length} VMs created for this deploy came up READY: ${named}` };
  }
  if (failed.length > maxFailedHosts) {
    return {
      proceed: false,
      ready,
      failed,
      reason: `${failed.length} of the ${vms.length} VMs created for this deploy failed, more than maxFailedHosts (${maxFailedHosts}): ${named}`,
    };
  }
  return { proceed: true, ready, failed };
}
