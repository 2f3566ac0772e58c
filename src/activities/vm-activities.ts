import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { Logger } from 'pino';
import type { ChefClient } from '../domain/ports.ts';
import { findPlatform, type ProvisioningCatalog, renderJob } from '../domain/provisioning-catalog.ts';
import { type Provisioner, VM_NON_RETRYABLE_ERROR_TYPES, VmError, VmErrorType, type VmRecord, type VmStore } from '../domain/vm.ts';
import { toFailure } from './failures.ts';

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

/** "Not yet" answers: retried by the poll's retry policy, logged at DEBUG, never counted as errors. */
const NOT_YET: readonly string[] = [VmErrorType.ProvisioningPending, VmErrorType.VmNotRegistered];

/** Like toFailure, with the VM error vocabulary's retry rules. */
export function toVmFailure(err: unknown): ApplicationFailure {
  const failure = toFailure(err);
  const type = failure.type ?? '';
  if (!VM_NON_RETRYABLE_ERROR_TYPES.includes(type) && !NOT_YET.includes(type)) return failure;
  return ApplicationFailure.create({
    message: failure.message,
    type,
    nonRetryable: VM_NON_RETRYABLE_ERROR_TYPES.includes(type),
    details: failure.details ? [...failure.details] : [],
    cause: failure.cause,
    category: NOT_YET.includes(type) ? ApplicationFailureCategory.BENIGN : undefined,
  });
}

async function mapVmFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toVmFailure(err);
  }
}

export function createVmActivities(deps: VmActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const vmOf = async (name: string): Promise<VmRecord> => {
    const vm = await deps.vmStore.getVm(name);
    if (!vm) throw new VmError(VmErrorType.VmNotFound, `VM ${name} is not in the inventory`);
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
      return mapVmFailures(async () => {
        const vm = await vmOf(input.name);
        if (vm.jobName) return { jobName: vm.jobName };
        const platform = findPlatform(deps.catalog, vm.stack, vm.osVersion);
        if (!platform) {
          throw new VmError(VmErrorType.UnsupportedPlatform, `no provisioning job for ${vm.stack} on ${vm.osVersion}`);
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
      return mapVmFailures(async () => {
        const { state, raw } = await deps.provisioner.status(input.jobName);
        const attempt = Context.current().info.attempt;
        if (state === 'SUCCEEDED') return;
        if (state === 'FAILED') {
          throw new VmError(VmErrorType.ProvisioningFailed, `provisioning job ${input.jobName} FAILED`, { raw });
        }
        throw new VmError(VmErrorType.ProvisioningPending, `provisioning job ${input.jobName} is ${raw} (poll ${attempt})`, {
          state,
          raw,
        });
      });
    },

    /** Asks Chef for the VM the job registered; not there yet is retryable. */
    async locateVm(input: { name: string }): Promise<{ address: string }> {
      return mapVmFailures(async () => {
        const found = (await deps.chef.searchNodes(`name:${input.name}`)).find((h) => h.name === input.name);
        if (!found) throw new VmError(VmErrorType.VmNotRegistered, `VM ${input.name} is not registered in Chef yet`);
        return { address: found.address };
      });
    },

    async markVmReady(input: { name: string; address: string }): Promise<void> {
      return mapVmFailures(async () => {
        await deps.vmStore.transition(input.name, 'READY', now(), { address: input.address });
      });
    },

    async markVmFailed(input: { name: string; reason: string }): Promise<void> {
      return mapVmFailures(async () => {
        await deps.vmStore.transition(input.name, 'FAILED', now(), { reason: input.reason });
      });
    },
  };
}

export type VmActivities = ReturnType<typeof createVmActivities>;
