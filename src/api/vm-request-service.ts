import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { provisioningNotConfigured } from '../config.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { findPlatform, type ProvisioningCatalog, supportedPlatforms } from '../domain/provisioning-catalog.ts';
import { TargetError } from '../domain/targets.ts';
import { createVmsWorkflowId, isFinal, type NewVmRequest, type VmRequest, type VmRequestRecord, type VmStatus, type VmStore } from '../domain/vm.ts';
import { MAX_VM_NAME_LENGTH, prefixFits, vmNamePrefix } from '../domain/vm-naming.ts';
import { ownerSearchAttributes } from '../temporal/search-attributes.ts';
import type { CreateVmsInput } from '../workflows/create-vms.ts';

export interface VmRequestServiceDeps {
  store: VmStore;
  client: Client;
  taskQueue: string;
  catalog: ProvisioningCatalog;
  /**
   * The applications file: for an application it declares, a VM request must
   * name its team and one of its environments (the file is the ceiling, as
   * for deploys). One it does not declare is placed by naming convention.
   * @default none declared
   */
  applications?: ApplicationCatalog;
  /** The provisioning variables that are unset (see config.ts): any, and VM requests are refused with 503. @default [] */
  provisioningMissing?: readonly string[];
  /** @default () => new Date() */
  now?: () => Date;
}

export interface VmRequestOptions {
  idempotencyKey?: string | undefined;
  requestedBy: string;
}

/** Accepting VM requests: the catalog's rules, names allocated at once, idempotency, the workflow start. */
export class VmRequestService {
  constructor(private readonly deps: VmRequestServiceDeps) {}

  async create(request: VmRequest, options: VmRequestOptions): Promise<{ record: VmRequestRecord; created: boolean }> {
    checkNameFits(request);
    this.checkScope(request);
    // Before anything is stored: no name is taken, no workflow waits out a deadline on retries that cannot succeed.
    const missing = this.deps.provisioningMissing ?? [];
    if (missing.length > 0) throw provisioningNotConfigured(missing);
    const machineType = this.machineTypeFor(request);
    const id = vmRequestId(request, options.idempotencyKey);
    const { record, created } = await this.deps.store.createRequest({
      ...request,
      machineType,
      id,
      workflowId: createVmsWorkflowId(id),
      requestedBy: options.requestedBy,
      createdAt: (this.deps.now ?? (() => new Date()))(),
    });
    if (!created && !sameRequest(record, { ...request, machineType })) {
      throw new VesemirError(ErrorType.IdempotencyKeyReused, `Idempotency-Key was already used for VM request ${id} with a different request`);
    }
    try {
      await this.startWorkflow(record);
    } catch (err) {
      // Without a key the caller cannot retry this one: do not leave its VMs REQUESTED forever.
      if (!options.idempotencyKey) {
        const at = new Date();
        for (const vm of record.vms) await this.deps.store.transition(vm.name, 'FAILED', at, { reason: `not started: ${(err as Error).message}` });
      }
      throw new VesemirError(ErrorType.TemporalUnavailable, `the VM request could not be started: ${(err as Error).message}`);
    }
    return { record: (await this.deps.store.getRequest(id)) ?? record, created };
  }

  /**
   * Cancels the request's workflow (as the Temporal UI's cancel does): polling
   * stops and unfinished VMs become CANCELLED; a job already submitted is
   * left to the runner and named in the answer. Answers once the VMs are
   * saved, or after CANCEL_SETTLE_MS with what is saved by then.
   */
  async cancel(record: VmRequestRecord): Promise<VmCancelAnswer> {
    if (record.vms.every((vm) => isFinal(vm.status))) throw finishedRequest(record, 'it has finished');
    try {
      await this.deps.client.workflow.getHandle(record.workflowId).cancel();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) {
        throw new VesemirError(ErrorType.TemporalUnavailable, `the cancel could not be sent: ${(err as Error).message}`);
      }
      // No run: it ended while the cancel was on its way, or it never started (its start failed).
      const now = await this.reload(record.id);
      if (now.vms.every((vm) => isFinal(vm.status))) throw finishedRequest(now, 'it ended while the cancel was on its way');
      const at = new Date();
      for (const vm of now.vms.filter((v) => !isFinal(v.status))) {
        await this.deps.store.transition(vm.name, 'CANCELLED', at, { reason: 'cancelled; no workflow was running for it' });
      }
    }
    const deadline = Date.now() + CANCEL_SETTLE_MS;
    let now = await this.reload(record.id);
    while (!now.vms.every((vm) => isFinal(vm.status)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = await this.reload(record.id);
    }
    return cancelAnswer(now);
  }

  private async reload(id: string): Promise<VmRequestRecord> {
    const record = await this.deps.store.getRequest(id);
    if (!record) throw new VesemirError(ErrorType.NotFound, `VM request ${id} not found`);
    return record;
  }

  /** 403 naming the field when a declared application's team or environments do not allow the request. */
  private checkScope(request: VmRequest): void {
    const app = this.deps.applications?.get(request.application);
    if (!app) return;
    if (app.team !== request.team) {
      throw new VesemirError(ErrorType.WrongTeam, `application '${request.application}' belongs to team '${app.team}', not '${request.team}'`, {
        field: 'team',
      });
    }
    if (!app.environments.includes(request.environment)) {
      throw new TargetError('environment', 'outside-scope', `application '${app.name}' runs in ${app.environments.join(', ')}, not '${request.environment}'`);
    }
  }

  /** 422 for a pair or machine type the catalog does not offer, listing what it does. */
  private machineTypeFor(request: VmRequest): string {
    const platform = findPlatform(this.deps.catalog, request.stack, request.osVersion);
    if (!platform) {
      const supported = supportedPlatforms(this.deps.catalog);
      const list = supported.map((p) => `${p.stack}/${p.osVersion}`).join(', ');
      throw new VesemirError(ErrorType.UnsupportedPlatform, `stack '${request.stack}' on '${request.osVersion}' is not offered; supported: ${list}`, {
        details: { supported },
      });
    }
    if (request.machineType && !platform.machineTypes.includes(request.machineType)) {
      throw new VesemirError(
        ErrorType.UnsupportedMachineType,
        `machine type '${request.machineType}' is not offered for ${platform.stack}/${platform.osVersion}; supported: ${platform.machineTypes.join(', ')}`,
        { details: { supported: [{ stack: platform.stack, osVersion: platform.osVersion, machineTypes: [...platform.machineTypes] }] } },
      );
    }
    return request.machineType ?? platform.machineTypes[0]!;
  }

  private async startWorkflow(record: VmRequestRecord): Promise<void> {
    const { catalog } = this.deps;
    const input: CreateVmsInput = {
      requestId: record.id,
      application: record.application,
      environment: record.environment,
      team: record.team,
      vms: record.vms.map((vm) => vm.name),
      deadlineSeconds: catalog.deadlineSeconds,
      poll: { ...catalog.poll },
    };
    try {
      await this.deps.client.workflow.start('createVms', {
        workflowId: record.workflowId,
        taskQueue: this.deps.taskQueue,
        args: [input],
        // A repeat finds the running workflow, and never reruns a finished one.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: ownerSearchAttributes(record),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}

/** 422: the request is well formed, but its VMs' names would not fit a hostname label. */
function checkNameFits(request: VmRequest): void {
  if (prefixFits(request)) return;
  throw new VesemirError(
    ErrorType.VmNameTooLong,
    `VM names ${vmNamePrefix(request)}-NNN would be over ${MAX_VM_NAME_LENGTH} characters, the most a hostname allows: shorten application, environment, stack or osVersion`,
    { field: 'application' },
  );
}

/** How long a cancel's answer waits for the workflow to save the cancelled VMs. */
const CANCEL_SETTLE_MS = 1000;

export interface VmCancelAnswer {
  id: string;
  message: string;
  vms: { name: string; status: VmStatus; jobName: string | null }[];
}

function cancelAnswer(record: VmRequestRecord): VmCancelAnswer {
  const stopping = record.vms.filter((vm) => !isFinal(vm.status)).length;
  const left = record.vms.filter((vm) => vm.jobName && vm.status !== 'READY' && vm.status !== 'FAILED').map((vm) => `${vm.name} (${vm.jobName})`);
  const message = [
    stopping ? `cancel requested; ${stopping} VM${stopping === 1 ? '' : 's'} still stopping` : `cancelled: ${statusCounts(record)}`,
    left.length ? `jobs already submitted are left to the runner: ${left.join(', ')}` : 'no job was submitted',
  ].join('; ');
  return { id: record.id, message, vms: record.vms.map((vm) => ({ name: vm.name, status: vm.status, jobName: vm.jobName ?? null })) };
}

function finishedRequest(record: VmRequestRecord, why: string): VesemirError {
  return new VesemirError(ErrorType.ControlRejected, `VM request ${record.id} cannot be cancelled: ${why} (${statusCounts(record)})`);
}

function statusCounts(record: VmRequestRecord): string {
  const counts = new Map<string, number>();
  for (const vm of record.vms) counts.set(vm.status, (counts.get(vm.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

function sameRequest(a: NewVmRequest, b: Omit<NewVmRequest, 'id' | 'workflowId' | 'requestedBy' | 'createdAt'>): boolean {
  const keys = ['application', 'environment', 'team', 'stack', 'osVersion', 'machineType', 'count'] as const;
  return keys.every((k) => a[k] === b[k]);
}

/** With an Idempotency-Key the id is derived from it, so a repeat finds the same request and names. */
export function vmRequestId(request: VmRequest, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return `vr-${randomUUID()}`;
  const hash = createHash('sha256').update(['vms', request.team, request.application, request.environment, idempotencyKey].join('\n')).digest('hex');
  return `vr-${hash.slice(0, 32)}`;
}
