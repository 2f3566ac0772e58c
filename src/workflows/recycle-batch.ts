import { ApplicationFailure, CancellationScope, executeChild, isCancellation, ParentClosePolicy, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { RecycleRelease } from '../activities/recycle-activities.ts';
import { ErrorType } from '../domain/errors.ts';
import { type OldVm, type RecycleBatch, type RecycleRequest, type RecycleVmProgress, replacementPlatform } from '../domain/fleet-recycle-batches.ts';
import type { Host } from '../domain/ports.ts';
import { decommissionVmWorkflowId } from '../domain/vm-status.ts';
import { bookkeeping, healthWait, quickRpc, sshWork } from './activity-options.ts';
import { createVms } from './create-vms.ts';
import { decommissionVm } from './decommission-vm.ts';
import { describe } from './deploy-host.ts';

const db = proxyActivities<Activities>(bookkeeping);
const ssh = proxyActivities<Activities>(sshWork);
const lb = proxyActivities<Activities>(quickRpc);

export interface BatchContext {
  recycleId: string;
  team: string;
  requestedBy: string;
  request: RecycleRequest;
  release: RecycleRelease;
  /** The deployment record the host steps are written under. */
  deploymentId: string;
  decommission: { deadlineSeconds: number; poll: { initialSeconds: number; maxSeconds: number } };
  save(): Promise<void>;
}

/** A new VM that failed: which and at what step (in the failure's details). */
function batchFailure(vm: string, step: string, cause: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `${vm} failed ${step}: ${cause}`,
    type: ErrorType.RecycleBatchFailed,
    nonRetryable: true,
    details: [{ vm, step }],
  });
}

const failedVm = (err: unknown): string | undefined =>
  err instanceof ApplicationFailure && err.type === ErrorType.RecycleBatchFailed ? (err.details?.[0] as { vm?: string } | undefined)?.vm : undefined;

const set = (row: RecycleVmProgress | undefined, status: RecycleVmProgress['status'], error?: string) => {
  if (row) Object.assign(row, { status, error });
};

/**
 * One batch, in the order things happen: create the new VMs (`createVms`),
 * deploy the release to them (the deploy's host steps; not a server yet, so
 * nothing to drain), put them in the backend (added in maintenance, ready at
 * the deploy's weight, bake, 100%), then retire the old ones (`decommissionVm`:
 * drain, `del server`, the runner's job, Chef, DECOMMISSIONED). A new VM that
 * fails, or a cancel before the new VMs serve, is compensated apart: every
 * new VM of the batch is decommissioned and the old ones stay in service.
 * Answers the failure, if any.
 */
export async function runBatch(ctx: BatchContext, batch: RecycleBatch, old: OldVm[], cancel: CancellationScope): Promise<string | undefined> {
  batch.status = 'RUNNING';
  await ctx.save();
  const newRow = (name: string) => batch.new.find((r) => r.name === name);
  let names: string[] = [];
  try {
    await cancel.run(async () => {
      const allocated = await db.allocateRecycleVms({
        recycleId: ctx.recycleId,
        batch: batch.index,
        application: ctx.request.application,
        environment: ctx.request.environment,
        team: ctx.team,
        requestedBy: ctx.requestedBy,
        platform: replacementPlatform(old, ctx.request),
        count: old.length,
      });
      names = allocated.vms;
      batch.new = names.map((name) => ({ name, status: 'PROVISIONING' }));
      await ctx.save();
      const created = await executeChild(createVms, {
        workflowId: allocated.workflowId,
        args: [{ ...allocated, application: ctx.request.application, environment: ctx.request.environment, team: ctx.team }],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      const failed = created.vms.find((vm) => vm.status !== 'READY');
      if (failed) throw batchFailure(failed.name, 'provisioning', failed.error ?? failed.status);
      const hosts: Host[] = created.vms.map((vm) => ({ name: vm.name, address: vm.address! }));
      for (const h of hosts) set(newRow(h.name), 'DEPLOYING');
      await ctx.save();
      await allSettledOrFirst(hosts.map((h) => deployTo(ctx, h)));
      const replaces = old.map((vm) => vm.name);
      await allSettledOrFirst(hosts.map((h) => serve(ctx, h, replaces, 'enable')));
      for (const h of hosts) set(newRow(h.name), 'SERVING');
      await ctx.save();
      if (ctx.release.weight < 100) {
        if (ctx.release.degradationSeconds > 0) await sleep(ctx.release.degradationSeconds * 1000);
        await allSettledOrFirst(hosts.map((h) => serve(ctx, h, replaces, 'full')));
      }
    });
  } catch (err) {
    const cancelled = isCancellation(err);
    const vm = failedVm(err);
    const why = vm ? (err as ApplicationFailure).message : cancelled ? 'recycle cancelled' : describe(err);
    if (vm) set(newRow(vm), 'FAILED', why);
    await CancellationScope.nonCancellable(() => compensate(ctx, batch, names));
    for (const row of batch.old) set(row, 'KEPT');
    batch.status = cancelled ? 'SKIPPED' : 'FAILED';
    batch.error = `batch ${batch.index}: ${why}; its new VMs were removed and decommissioned, the old ones stay in service`;
    await ctx.save();
    return cancelled ? undefined : batch.error;
  }
  // The new VMs serve: the old ones are retired whatever comes (a cancel now waits for it).
  return CancellationScope.nonCancellable(() => retireOld(ctx, batch));
}

/** The deploy's host steps on a VM that is no server yet: stage, activate, restart, health. */
async function deployTo(ctx: BatchContext, host: Host): Promise<void> {
  const base = { deploymentId: ctx.deploymentId, application: ctx.request.application, host, version: ctx.release.version };
  const health = proxyActivities<Activities>(healthWait(ctx.release.healthCheck.timeoutSeconds));
  let step = 'stage';
  try {
    await ssh.stageRelease({ ...base, artifact: ctx.release.artifact });
    step = 'activate';
    await ssh.activateRelease(base);
    step = 'restart';
    await ssh.restartService(base);
    step = 'health';
    await health.waitHealthy({ ...base, healthCheck: ctx.release.healthCheck });
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw batchFailure(host.name, step, describe(err));
  }
}

async function serve(ctx: BatchContext, host: Host, replaces: string[], step: 'enable' | 'full'): Promise<void> {
  try {
    const { application, environment } = ctx.request;
    await lb.serveRecycledVm({ application, environment, host, replaces, port: ctx.release.healthCheck.port, step, percent: ctx.release.weight });
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw batchFailure(host.name, `HAProxy ${step}`, describe(err));
  }
}

/** Every new VM of the batch out of the backend and decommissioned, one at a time; a failure is named, never hidden. */
async function compensate(ctx: BatchContext, batch: RecycleBatch, names: string[]): Promise<void> {
  for (const name of names) {
    const row = batch.new.find((r) => r.name === name);
    const failedBefore = row?.status === 'FAILED' ? row.error : undefined;
    try {
      await retire(ctx, name);
      set(row, failedBefore ? 'FAILED' : 'RETIRED', failedBefore ? `${failedBefore}; decommissioned` : 'decommissioned (compensation)');
    } catch (err) {
      set(row, 'FAILED', `${failedBefore ? `${failedBefore}; ` : ''}its decommission failed: ${describe(err)}`);
    }
  }
}

async function retireOld(ctx: BatchContext, batch: RecycleBatch): Promise<string | undefined> {
  const errors: string[] = [];
  for (const row of batch.old) {
    set(row, 'RETIRING');
    await ctx.save();
    try {
      await retire(ctx, row.name);
      set(row, 'RETIRED');
    } catch (err) {
      set(row, 'FAILED', describe(err));
      errors.push(`${row.name}: ${describe(err)}`);
    }
  }
  batch.status = errors.length ? 'FAILED' : 'DONE';
  if (errors.length) batch.error = `batch ${batch.index}: the new VMs serve, but retiring the old failed: ${errors.join('; ')}`;
  await ctx.save();
  return batch.error;
}

function retire(ctx: BatchContext, name: string) {
  return executeChild(decommissionVm, {
    workflowId: decommissionVmWorkflowId(name),
    args: [{ name, requestedBy: `fleet recycle ${ctx.recycleId}`, ...ctx.decommission }],
  });
}

/** Waits for every promise, then throws the first failure: compensation never races a step still at work. */
async function allSettledOrFirst(all: Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(all);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
