/**
 * The VM state machine, free of zod: the createVms workflow imports it into
 * its sandbox.
 */

export const VM_STATUSES = ['REQUESTED', 'PROVISIONING', 'READY', 'FAILED', 'CANCELLED', 'DECOMMISSIONING', 'DECOMMISSIONED'] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

/**
 * CANCELLED: its request was cancelled before the VM was READY (a submitted
 * job is left to the runner). A READY or FAILED VM (a failed job may have
 * left a half-built VM behind) can be decommissioned; a decommission that
 * fails stays DECOMMISSIONING until a repeat finishes it.
 */
const NEXT: Record<VmStatus, readonly VmStatus[]> = {
  REQUESTED: ['PROVISIONING', 'FAILED', 'CANCELLED'],
  PROVISIONING: ['READY', 'FAILED', 'CANCELLED'],
  READY: ['DECOMMISSIONING'],
  FAILED: ['DECOMMISSIONING'],
  CANCELLED: ['DECOMMISSIONING'],
  DECOMMISSIONING: ['DECOMMISSIONED'],
  DECOMMISSIONED: [],
};

/** While the VM is being created: what a VM request's cancel and the client's wait look at. */
const CREATING: readonly VmStatus[] = ['REQUESTED', 'PROVISIONING'];

export function canTransition(from: VmStatus, to: VmStatus): boolean {
  return NEXT[from].includes(to);
}

/** Its creation has ended (READY, FAILED, CANCELLED, or retired since): a VM request is settled when all its VMs are. */
export function isFinal(status: VmStatus): boolean {
  return !CREATING.includes(status);
}

/** A decommission may start (or start again, after a failed one) from here. */
export function canDecommission(status: VmStatus): boolean {
  return status === 'DECOMMISSIONING' || canTransition(status, 'DECOMMISSIONING');
}

/** Workflow ids are deterministic: a repeated start finds the running one. */
export const createVmsWorkflowId = (requestId: string) => `create-vms-${requestId}`;
export const decommissionVmWorkflowId = (name: string) => `decommission-vm-${name}`;
