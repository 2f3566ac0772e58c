/**
 * The VM state machine, free of zod: the createVms workflow imports it into
 * its sandbox.
 */

export const VM_STATUSES = ['REQUESTED', 'PROVISIONING', 'READY', 'FAILED', 'CANCELLED'] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

/** CANCELLED: its request was cancelled before the VM was READY (a submitted job is left to the runner). */
const NEXT: Record<VmStatus, readonly VmStatus[]> = {
  REQUESTED: ['PROVISIONING', 'FAILED', 'CANCELLED'],
  PROVISIONING: ['READY', 'FAILED', 'CANCELLED'],
  READY: [],
  FAILED: [],
  CANCELLED: [],
};

export function canTransition(from: VmStatus, to: VmStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(status: VmStatus): boolean {
  return NEXT[status].length === 0;
}

/** Workflow ids are deterministic: a repeated start finds the running one. */
export const createVmsWorkflowId = (requestId: string) => `create-vms-${requestId}`;
