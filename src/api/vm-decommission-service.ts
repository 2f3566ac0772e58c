import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { provisioningNotConfigured } from '../config.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import type { ProvisioningCatalog } from '../domain/provisioning-catalog.ts';
import { canDecommission, decommissionVmWorkflowId, type VmRecord, type VmStore } from '../domain/vm.ts';
import { ownerSearchAttributes } from '../temporal/search-attributes.ts';
import type { DecommissionVmInput } from '../workflows/decommission-vm.ts';
import type { Principal } from './auth.ts';

export interface VmDecommissionServiceDeps {
  store: VmStore;
  client: Client;
  taskQueue: string;
  catalog: ProvisioningCatalog;
  /** The ceiling: a team's token retires only VMs of its own team's applications. */
  applications: ApplicationCatalog;
  /** As for VM requests: any unset, and a decommission is refused with 503 (its job could not run). @default [] */
  provisioningMissing?: readonly string[];
  /** @default () => new Date() */
  now?: () => Date;
}

/** `DELETE /v1/vms/{name}`: checks, DECOMMISSIONING at once, the `decommissionVm` workflow started (or found). */
export class VmDecommissionService {
  constructor(private readonly deps: VmDecommissionServiceDeps) {}

  /**
   * Answers the VM as it is once the workflow runs; `started: false` when it
   * was DECOMMISSIONED already (nothing to do). A repeat while one runs finds
   * that run (deterministic workflow id); a repeat after a failed run starts
   * another, which goes through the steps again (each a no-op once done).
   */
  async decommission(vm: VmRecord, principal: Principal): Promise<{ vm: VmRecord; started: boolean }> {
    this.checkScope(vm, principal);
    if (vm.status === 'DECOMMISSIONED') return { vm, started: false };
    if (!canDecommission(vm.status)) {
      throw new VesemirError(
        ErrorType.VmStillProvisioning,
        `VM ${vm.name} is ${vm.status}: cancel its request ${vm.requestId} first, or wait until it is READY or FAILED`,
      );
    }
    const missing = this.deps.provisioningMissing ?? [];
    if (missing.length > 0) throw provisioningNotConfigured(missing);
    const now = this.deps.now ?? (() => new Date());
    // Saved before the start, so the answer and a concurrent GET already say so; the workflow finds it done.
    await this.deps.store.transition(vm.name, 'DECOMMISSIONING', now(), { reason: `decommission requested by ${principal.name}` });
    // A repeat after a failed run: the new run's outcome is what the error will say.
    if (vm.status === 'DECOMMISSIONING' && vm.error) await this.deps.store.setDecommissionError(vm.name, undefined, now());
    try {
      await this.start(vm, principal);
    } catch (err) {
      const message = `the decommission could not be started: ${(err as Error).message}`;
      await this.deps.store.setDecommissionError(vm.name, message, now());
      throw new VesemirError(ErrorType.TemporalUnavailable, `${message}; DELETE it again`);
    }
    return { vm: (await this.deps.store.getVm(vm.name)) ?? vm, started: true };
  }

  /** The applications file is the ceiling: the VM's application must be the caller's team's. */
  private checkScope(vm: VmRecord, principal: Principal): void {
    const app = this.deps.applications.get(vm.application);
    if (!app) {
      throw new VesemirError(
        ErrorType.UnknownApplication,
        `application '${vm.application}' of VM ${vm.name} is not in the applications file: no HAProxy backend or LB box is known for it`,
      );
    }
    if (principal.admin || app.team === principal.team) return;
    throw new VesemirError(
      ErrorType.OutsideApplicationScope,
      `VM ${vm.name} belongs to application '${app.name}' of team '${app.team}', not '${principal.team ?? '(none)'}'`,
    );
  }

  private async start(vm: VmRecord, principal: Principal): Promise<void> {
    const { catalog } = this.deps;
    const input: DecommissionVmInput = {
      name: vm.name,
      requestedBy: principal.name,
      deadlineSeconds: catalog.deadlineSeconds,
      poll: { ...catalog.poll },
    };
    try {
      await this.deps.client.workflow.start('decommissionVm', {
        workflowId: decommissionVmWorkflowId(vm.name),
        taskQueue: this.deps.taskQueue,
        args: [input],
        // A repeat finds the running one; a failed, cancelled or terminated one may run again.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        typedSearchAttributes: ownerSearchAttributes(vm),
      });
    } catch (err) {
      // It completed already: the VM is (or is about to be saved) DECOMMISSIONED.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
