/**
 * The VM state machine and the VM error vocabulary, free of zod: the
 * createVms workflow imports them into its sandbox.
 */

export const VM_STATUSES = ['REQUESTED', 'PROVISIONING', 'READY', 'FAILED'] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

const NEXT: Record<VmStatus, readonly VmStatus[]> = {
  REQUESTED: ['PROVISIONING', 'FAILED'],
  PROVISIONING: ['READY', 'FAILED'],
  READY: [],
  FAILED: [],
};

export function canTransition(from: VmStatus, to: VmStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(status: VmStatus): boolean {
  return NEXT[status].length === 0;
}

export const VmErrorType = {
  UnsupportedPlatform: 'UnsupportedPlatform',
  ProvisionerUnavailable: 'ProvisionerUnavailable',
  ProvisionerRejected: 'ProvisionerRejected',
  ProvisioningPending: 'ProvisioningPending',
  ProvisioningFailed: 'ProvisioningFailed',
  ProvisioningDeadline: 'ProvisioningDeadline',
  VmNotRegistered: 'VmNotRegistered',
  InvalidVmTransition: 'InvalidVmTransition',
  VmNotFound: 'VmNotFound',
} as const;
export type VmErrorTypeName = (typeof VmErrorType)[keyof typeof VmErrorType];

/** Retrying these cannot help. Pending, unavailable and not-yet-registered are retried up to the deadline. */
export const VM_NON_RETRYABLE_ERROR_TYPES: readonly string[] = [
  VmErrorType.UnsupportedPlatform,
  VmErrorType.ProvisionerRejected,
  VmErrorType.ProvisioningFailed,
  VmErrorType.ProvisioningDeadline,
  VmErrorType.InvalidVmTransition,
  VmErrorType.VmNotFound,
];

export class VmError extends Error {
  constructor(
    readonly type: VmErrorTypeName,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'VmError';
  }
}

/** Workflow ids are deterministic: a repeated start finds the running one. */
export const createVmsWorkflowId = (requestId: string) => `create-vms-${requestId}`;
