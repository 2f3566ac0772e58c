import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { ApplicationCatalog } from '../domain/applications.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import type { ChefClient } from '../domain/ports.ts';
import { chefPlacement, findPlatform, type ProvisioningCatalog, renderJob } from '../domain/provisioning-catalog.ts';
import type { Provisioner, VmRecord, VmStore } from '../domain/vm.ts';
import { mapFailures, toFailure } from './failures.ts';
import { untilCancelled, whileHeartbeating } from './heartbeat.ts';

/** Everything the VM activities touch; separate from the deploy activities' deps. */
export interface VmActivityDeps {
  vmStore: VmStore;
  provisioner: Provisioner;
  /** Where provisioned VMs register themselves; searched by `name:<vm>`. */
  chef: ChefClient;
  catalog: ProvisioningCatalog;
  /** Each application's Chef scope, which a new VM is tagged with. @default none: `app-<application>` */
  applications?: ApplicationCatalog | undefined;
  logger: Logger;
  /** @default () => new Date() */
  now?: () => Date;
}

/** Lines of a FAILED job's log that go into the VM's error. */
export const LOG_TAIL_LINES = 10;

/**
 * One try of a step of one VM: heartbeating, so that a cancel reaches it;
 * a try that fails is noted on the VM (its number, and its error unless it
 * is a job's plain "still WAITING"), so the inventory shows a retrying VM's
 * trouble while it lasts.
 */
export function vmAttempt(deps: Pick<VmActivityDeps, 'vmStore' | 'logger'>, now: () => Date) {
  return <T>(name: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    whileHeartbeating(async () => {
      const ctx = Context.current();
      try {
        return await work(ctx.cancellationSignal);
      } catch (err) {
        // The worker reports a cancel as such only when the activity throws the CancelledFailure itself.
        if (err instanceof CancelledFailure) throw err;
        const failure = toFailure(err);
        const waiting = err instanceof VesemirError && err.details.state === 'WAITING';
        await deps.vmStore
          .noteAttempt(name, { number: ctx.info.attempt, error: waiting ? undefined : failure.message, at: now() })
          .catch((noteErr) => deps.logger.warn({ err: noteErr, vm: name }, 'could not note a VM attempt'));
        throw failure;
      }
    });
}

/** A FAILED job's reason is in its log, not its one-word status; a log that cannot be read says so. */
export async function jobFailure(provisioner: Provisioner, what: string, jobName: string, signal: AbortSignal): Promise<string> {
  if (!provisioner.logTail) return `${what} job ${jobName} FAILED (the runner offers no logs)`;
  try {
    const lines = (await provisioner.logTail(jobName, { signal, lines: LOG_TAIL_LINES })).filter((l) => l.trim());
    return `${what} job ${jobName} FAILED${lines.length ? `; its log ends:\n${lines.join('\n')}` : ' (its log is empty)'}`;
  } catch (err) {
    return `${what} job ${jobName} FAILED (its log could not be read: ${(err as Error).message})`;
  }
}

export function createVmActivities(deps: VmActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const vmOf = async (name: string): Promise<VmRecord> => {
    const vm = await deps.vmStore.getVm(name);
    if (!vm) throw new VesemirError(ErrorType.VmNotFound, `VM ${name} is not in the inventory`);
    return vm;
  };
  const registered = async (name: string) => (await deps.chef.searchNodes(`name:${name}`)).find((h) => h.name === name);

  const attempt = vmAttempt(deps, now);

  const markEnded =
    (status: 'FAILED' | 'CANCELLED') =>
    (input: { name: string; reason: string }): Promise<void> =>
      mapFailures(async () => {
        await deps.vmStore.transition(input.name, status, now(), { reason: input.reason });
      });

  const failureOf = (jobName: string, signal: AbortSignal) => jobFailure(deps.provisioner, 'provisioning', jobName, signal);

  return {
    /**
     * Submits the VM's provisioning job and moves it to PROVISIONING with the
     * execution name. Idempotent three times over: a VM that already has a
     * job keeps it; the VM name goes along as the request id, so a runner
     * that deduplicates answers a resubmission with the execution it already
     * started; and before a retry submits again (the previous try's answer
     * may have been lost after the runner started a job) a VM that is already
     * in Chef under its name is taken as built, with no second job. Jobs keep
     * the rest of the contract: they are idempotent by VM_NAME (docs/vms.md).
     */
    async submitProvisioningJob(input: { name: string }): Promise<{ jobName?: string | undefined }> {
      return attempt(input.name, async () => {
        const vm = await vmOf(input.name);
        if (vm.jobName) return { jobName: vm.jobName };
        if (Context.current().info.attempt > 1 && (await registered(vm.name))) {
          const reason = 'already in Chef: an earlier submission reached the runner though its answer was lost; not submitted again';
          deps.logger.warn({ vm: vm.name }, reason);
          await deps.vmStore.transition(vm.name, 'PROVISIONING', now(), { reason });
          return {};
        }
        const platform = findPlatform(deps.catalog, vm.stack, vm.osVersion);
        if (!platform) {
          throw new VesemirError(ErrorType.UnsupportedPlatform, `no provisioning job for ${vm.stack} on ${vm.osVersion}`);
        }
        const placement = chefPlacement(deps.applications?.get(vm.application), vm.application, vm.environment);
        const { job, args } = renderJob(platform, { ...vm, name: vm.name, ...placement });
        const { executionName } = await deps.provisioner.submit({ job, args, requestId: vm.name });
        deps.logger.info({ vm: vm.name, job, execution: executionName }, 'provisioning job submitted');
        await deps.vmStore.transition(vm.name, 'PROVISIONING', now(), { jobName: executionName, reason: `job ${executionName} submitted` });
        return { jobName: executionName };
      });
    },

    /**
     * One status poll; a cancel stops it at once. Anything but SUCCEEDED is
     * an error: FAILED for good (with the tail of the job's log), WAITING /
     * ambiguous / unknown as a retryable ProvisioningPending, so the retry
     * policy does the backing off (see workflows/create-vms.ts).
     */
    async pollProvisioningJob(input: { name: string; jobName: string }): Promise<void> {
      return attempt(input.name, async (signal) => {
        const { state, raw } = await untilCancelled(deps.provisioner.status(input.jobName, { signal }));
        const poll = Context.current().info.attempt;
        if (state === 'SUCCEEDED') return;
        if (state === 'FAILED') {
          throw new VesemirError(ErrorType.ProvisioningFailed, await untilCancelled(failureOf(input.jobName, signal)), { details: { raw } });
        }
        throw new VesemirError(ErrorType.ProvisioningPending, `provisioning job ${input.jobName} is ${raw} (poll ${poll})`, {
          details: { state, raw },
        });
      });
    },

    /** Asks Chef for the VM the job registered; not there yet is retryable. */
    async locateVm(input: { name: string }): Promise<{ address: string }> {
      return attempt(input.name, async () => {
        const found = await registered(input.name);
        if (!found) throw new VesemirError(ErrorType.VmNotRegistered, `VM ${input.name} is not registered in Chef yet`);
        return { address: found.address };
      });
    },

    async markVmReady(input: { name: string; address: string }): Promise<void> {
      return mapFailures(async () => {
        await deps.vmStore.transition(input.name, 'READY', now(), { address: input.address });
      });
    },

    markVmFailed: markEnded('FAILED'),
    markVmCancelled: markEnded('CANCELLED'),
  };
}

export type VmActivities = ReturnType<typeof createVmActivities>;
