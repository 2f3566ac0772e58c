import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import type { ChefClient } from '../domain/ports.ts';
import { findPlatform, type ProvisioningCatalog, renderJob } from '../domain/provisioning-catalog.ts';
import type { Provisioner, VmRecord, VmStore } from '../domain/vm.ts';
import { mapFailures } from './failures.ts';

/** Everything the VM activities touch; separate from the deploy activities' deps. */
export interface VmActivityDeps {
  vmStore: VmStore;
  provisioner: Provisioner;
  /** Where provisioned VMs register themselves; searched by `name:<vm>`. */
  chef: ChefClient;
  catalog: ProvisioningCatalog;
  logger: Logger;
  /** @default () => new Date() */
  now?: () => Date;
}

export function createVmActivities(deps: VmActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const vmOf = async (name: string): Promise<VmRecord> => {
    const vm = await deps.vmStore.getVm(name);
    if (!vm) throw new VesemirError(ErrorType.VmNotFound, `VM ${name} is not in the inventory`);
    return vm;
  };

  return {
    /**
     * Submits the VM's provisioning job and moves it to PROVISIONING with the
     * execution name. Idempotent twice over: a VM that already has a job
     * keeps it, and the VM name goes along as the request id so that the
     * runner answers a resubmission (a crash between submit and save) with
     * the execution it already started.
     */
    async submitProvisioningJob(input: { name: string }): Promise<{ jobName: string }> {
      return mapFailures(async () => {
        const vm = await vmOf(input.name);
        if (vm.jobName) return { jobName: vm.jobName };
        const platform = findPlatform(deps.catalog, vm.stack, vm.osVersion);
        if (!platform) {
          throw new VesemirError(ErrorType.UnsupportedPlatform, `no provisioning job for ${vm.stack} on ${vm.osVersion}`);
        }
        const { job, args } = renderJob(platform, { ...vm, name: vm.name });
        const { executionName } = await deps.provisioner.submit({ job, args, requestId: vm.name });
        deps.logger.info({ vm: vm.name, job, execution: executionName }, 'provisioning job submitted');
        await deps.vmStore.transition(vm.name, 'PROVISIONING', now(), { jobName: executionName });
        return { jobName: executionName };
      });
    },

    /**
     * One status poll. Anything but SUCCEEDED is an error: FAILED for good,
     * WAITING / ambiguous / unknown as a retryable ProvisioningPending, so
     * the retry policy does the backing off (see workflows/create-vms.ts).
     */
    async pollProvisioningJob(input: { name: string; jobName: string }): Promise<void> {
      return mapFailures(async () => {
        const { state, raw } = await deps.provisioner.status(input.jobName);
        const attempt = Context.current().info.attempt;
        if (state === 'SUCCEEDED') return;
        if (state === 'FAILED') {
          throw new VesemirError(ErrorType.ProvisioningFailed, `provisioning job ${input.jobName} FAILED`, { details: { raw } });
        }
        throw new VesemirError(ErrorType.ProvisioningPending, `provisioning job ${input.jobName} is ${raw} (poll ${attempt})`, {
          details: { state, raw },
        });
      });
    },

    /** Asks Chef for the VM the job registered; not there yet is retryable. */
    async locateVm(input: { name: string }): Promise<{ address: string }> {
      return mapFailures(async () => {
        const found = (await deps.chef.searchNodes(`name:${input.name}`)).find((h) => h.name === input.name);
        if (!found) throw new VesemirError(ErrorType.VmNotRegistered, `VM ${input.name} is not registered in Chef yet`);
        return { address: found.address };
      });
    },

    async markVmReady(input: { name: string; address: string }): Promise<void> {
      return mapFailures(async () => {
        await deps.vmStore.transition(input.name, 'READY', now(), { address: input.address });
      });
    },

    async markVmFailed(input: { name: string; reason: string }): Promise<void> {
      return mapFailures(async () => {
        await deps.vmStore.transition(input.name, 'FAILED', now(), { reason: input.reason });
      });
    },
  };
}

export type VmActivities = ReturnType<typeof createVmActivities>;
