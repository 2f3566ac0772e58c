import { z } from 'zod';
import { expects, slug } from './names.ts';
import type { VmStatus } from './vm-status.ts';

/** An OS version as the catalog names it, e.g. `ubuntu-22.04`, `debian-12`. */
export const osVersion = z
  .string(expects('an OS version such as "ubuntu-22.04"'))
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-z](?:\.?[a-z0-9-])*\.?$/, 'must be lowercase letters, digits, "." and "-" (1-32, starting with a letter, no "..")');

/** A machine type as the provider names it, e.g. `n2-standard-2`, `m5.large`. */
export const machineType = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must be lowercase letters, digits, "." and "-" (1-63)');

/**
 * The body of `POST /v1/vms`. Whether the (stack, osVersion) pair exists is the
 * catalog's call, and whether the parts make a hostname short enough the
 * service's (both 422): an OpenAPI schema cannot say either.
 */
export const vmRequestSchema = z
  .object({
    application: slug,
    environment: slug,
    team: slug,
    stack: slug,
    osVersion,
    /** @default the catalog's default machine type for the (stack, osVersion) pair */
    machineType: machineType.optional(),
    count: z.number(expects('a number of VMs 1..50')).int().min(1).max(50),
  })
  .strict()
  .meta({ example: { application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: 'ubuntu-22.04', count: 1 } });

export type VmRequest = z.infer<typeof vmRequestSchema>;

/**
 * REQUESTED → PROVISIONING → READY | FAILED | CANCELLED. REQUESTED → FAILED
 * covers a job that could not even be submitted. READY, FAILED and CANCELLED
 * end the creation; a decommission then takes the VM through DECOMMISSIONING
 * to DECOMMISSIONED (src/domain/vm-status.ts).
 */
export interface VmTransition {
  from: VmStatus | null;
  to: VmStatus;
  at: Date;
  reason?: string | undefined;
}

export interface VmRecord {
  name: string;
  requestId: string;
  application: string;
  environment: string;
  team: string;
  stack: string;
  osVersion: string;
  machineType: string;
  sequence: number;
  status: VmStatus;
  address?: string | undefined;
  /** The Proctor execution name, once the job was submitted. */
  jobName?: string | undefined;
  /** Why the VM FAILED or was CANCELLED, or why its last decommission failed (it is then still DECOMMISSIONING). */
  error?: string | undefined;
  /** Tries of the step in progress that did not succeed yet (submission while REQUESTED, polls while PROVISIONING, a decommission's steps). */
  attempts: number;
  /** The latest of those tries' errors; a job's plain "still WAITING" is no error. */
  lastError?: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  transitions: VmTransition[];
}

/** A validated request with its machine type resolved, as the store keeps it. */
export interface NewVmRequest extends Omit<VmRequest, 'machineType'> {
  id: string;
  workflowId: string;
  machineType: string;
  requestedBy: string;
  createdAt: Date;
}

export interface VmRequestRecord extends NewVmRequest {
  vms: VmRecord[];
}

export interface VmFilter {
  application?: string | undefined;
  team?: string | undefined;
  environment?: string | undefined;
  status?: VmStatus | undefined;
  osVersion?: string | undefined;
  stack?: string | undefined;
  /** @default 100, at most 1000 */
  limit?: number | undefined;
}

export interface VmCounts {
  total: number;
  byStack: Record<string, number>;
  byOsVersion: Record<string, number>;
  byPlatform: { stack: string; osVersion: string; count: number }[];
}

export interface TransitionDetails {
  address?: string | undefined;
  jobName?: string | undefined;
  reason?: string | undefined;
}

export interface VmStore {
  /**
   * Stores the request and its `count` VMs as REQUESTED, with fresh names, in
   * one transaction. A request id seen before returns the stored request
   * unchanged (`created: false`), so a repeated POST allocates nothing.
   */
  createRequest(request: NewVmRequest): Promise<{ record: VmRequestRecord; created: boolean }>;
  /**
   * Moves a VM to `to` and records the transition. Moving to the status it is
   * already in does nothing (a retried activity); a move the state machine
   * forbids throws an InvalidVmTransition error.
   */
  transition(name: string, to: VmStatus, at: Date, details?: TransitionDetails): Promise<VmRecord>;
  /**
   * Records a try of the VM's current step that did not succeed: its number
   * and, when given, its error. Only a VM being created or decommissioned
   * has a step in progress; any other is left as it is.
   */
  noteAttempt(name: string, attempt: { number: number; error?: string | undefined; at: Date }): Promise<void>;
  /**
   * Why the VM's last decommission run failed (its `error` and `lastError`),
   * or `undefined` to clear it as a new run starts. Only a DECOMMISSIONING VM
   * is changed: a DECOMMISSIONING VM with an error has no run going.
   */
  setDecommissionError(name: string, error: string | undefined, at: Date): Promise<void>;
  getVm(name: string): Promise<VmRecord | undefined>;
  getRequest(id: string): Promise<VmRequestRecord | undefined>;
  listVms(filter: VmFilter): Promise<VmRecord[]>;
  countVms(filter: Omit<VmFilter, 'limit'>): Promise<VmCounts>;
}

/** What a job runner answers about one execution; anything but SUCCEEDED/FAILED is not definitive. */
export type JobState = 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'AMBIGUOUS' | 'NOT_FOUND';

export interface JobStatus {
  state: JobState;
  /** The runner's own word, e.g. `NO_DEFINITIVE_JOB_EXECUTION_STATUS_FOUND`. */
  raw: string;
}

export interface ProvisioningJob {
  /** The job definition to run, from the provisioning catalog. */
  job: string;
  args: Record<string, string>;
  /** Lets the runner recognise a resubmission of the same job (the VM name). */
  requestId: string;
}

export interface ProvisionerCallOptions {
  /** Aborts the call (the activity was cancelled). */
  signal?: AbortSignal | undefined;
}

/** The job runner that creates VMs (Proctor's API). */
export interface Provisioner {
  /** Submits a job; resolves with its execution name. */
  submit(job: ProvisioningJob): Promise<{ executionName: string }>;
  status(executionName: string, options?: ProvisionerCallOptions): Promise<JobStatus>;
  /** The last `lines` lines of an execution's log, where the runner offers them: a job status is one word. */
  logTail?(executionName: string, options?: ProvisionerCallOptions & { lines?: number }): Promise<string[]>;
}

export type { VmStatus } from './vm-status.ts';
export { canDecommission, canTransition, createVmsWorkflowId, decommissionVmWorkflowId, isFinal, VM_STATUSES } from './vm-status.ts';
