import { CancellationScope, condition, getExternalWorkflowHandle, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { budgetSpent, type OldVm, planRecycleBatches, type RecycleProgress, type RecycleRequest } from '../domain/fleet-recycle-batches.ts';
import { bookkeeping, localBookkeeping } from './activity-options.ts';
import { lockGrantedSignal, lockWorkflowId, releaseLockSignal } from './definitions.ts';
import { describe } from './deploy-host.ts';
import { type BatchContext, runBatch } from './recycle-batch.ts';
import { installRecycleControls, type RecycleControl } from './recycle-controls.ts';

const localDb = proxyLocalActivities<Activities>(localBookkeeping);
const db = proxyActivities<Activities>(bookkeeping);

/** Started by the API (`POST /v1/fleet-recycles`) under the id `recycle-<id>`. */
export interface RecycleFleetInput {
  recycleId: string;
  team: string;
  requestedBy: string;
  request: RecycleRequest;
  /** From the provisioning catalog: how long a decommission job may take, and how it is polled. */
  decommission: { deadlineSeconds: number; poll: { initialSeconds: number; maxSeconds: number } };
}

/**
 * A fleet recycle (docs/vms.md, "Recycling a fleet onto a new OS"): it takes
 * the application/environment's deploy lock (no deploy interleaves), reads
 * the old VMs and the release they run, then replaces them batch by batch
 * (recycle-batch.ts) within the failure budget, under pause / resume /
 * cancel; its report (status, batches, each VM, READY counts per OS before
 * and after) is saved at every change.
 */
export async function recycleFleet(input: RecycleFleetInput): Promise<RecycleProgress> {
  const { recycleId, request } = input;
  const workflowId = workflowInfo().workflowId;
  const progress: RecycleProgress = { recycleId, status: 'QUEUED', batches: [] };
  const control: RecycleControl = { paused: false, cancelled: false, finishing: false };
  let deploymentId: string | undefined;
  const save = () => localDb.saveRecycleProgress({ progress, deploymentId });
  installRecycleControls(progress, control, save);
  let granted = false;
  setHandler(lockGrantedSignal, () => {
    granted = true;
  });
  // A cancel from the Temporal UI is the operators' cancel.
  let temporalCancel: unknown;
  CancellationScope.current().cancelRequested.catch((err) => {
    temporalCancel = err;
    control.cancelled = true;
  });
  const lockId = lockWorkflowId(workflowInfo().taskQueue, request.application, request.environment);
  await CancellationScope.nonCancellable(async () => {
    try {
      await localDb.requestDeployLock({ application: request.application, environment: request.environment, workflowId, deploymentId: recycleId });
      await condition(() => granted || control.cancelled);
      if (!granted) throw new Error('cancelled while queued');
      progress.status = control.paused ? 'PAUSED' : 'RUNNING';
      const plan = await db.planRecycle({ recycleId, team: input.team, requestedBy: input.requestedBy, request });
      deploymentId = plan.deploymentId;
      const batches = planRecycleBatches(plan.old, request.batchSize);
      Object.assign(progress, {
        release: plan.release.version,
        countsBefore: plan.countsBefore,
        batches: batches.map((old, index) => ({ index: index + 1, status: 'PENDING', old: old.map((vm) => ({ name: vm.name, status: 'PENDING' })), new: [] })),
      });
      await save();
      const ctx: BatchContext = { ...input, release: plan.release, deploymentId, save };
      const failures = await recycleBatches(ctx, progress, batches, control);
      progress.countsAfter = await db.countReadyVms({ application: request.application, environment: request.environment });
      progress.status = control.cancelled ? 'CANCELLED' : failures.length > 0 ? 'FAILED' : 'SUCCEEDED';
      progress.error = failures.length > 0 ? failures.join('; ') : undefined;
    } catch (err) {
      progress.status = control.cancelled ? 'CANCELLED' : 'FAILED';
      progress.error = describe(err);
    } finally {
      control.finishing = true;
      await save();
      await getExternalWorkflowHandle(lockId)
        .signal(releaseLockSignal, { workflowId })
        .catch(() => undefined);
    }
  });
  if (temporalCancel) throw temporalCancel;
  return progress;
}

/** Batch after batch while not paused, until done, cancelled or the failure budget is spent; answers the failures. */
async function recycleBatches(ctx: BatchContext, progress: RecycleProgress, batches: OldVm[][], control: RecycleControl): Promise<string[]> {
  const failures: string[] = [];
  for (const [at, old] of batches.entries()) {
    const batch = progress.batches[at]!;
    await condition(() => !control.paused || control.cancelled);
    if (control.cancelled || budgetSpent(failures.length, ctx.request.maxFailedBatches)) break;
    const scope = new CancellationScope();
    void condition(() => control.cancelled).then(() => scope.cancel());
    const failure = await runBatch(ctx, batch, old, scope);
    if (failure) failures.push(failure);
  }
  const why = control.cancelled ? 'recycle cancelled' : 'failure budget spent';
  for (const batch of progress.batches) {
    if (batch.status !== 'PENDING') continue;
    batch.status = 'SKIPPED';
    batch.error = why;
    for (const row of batch.old) row.status = 'KEPT';
  }
  return failures;
}
