import type { RecycleStore } from '../adapters/store/recycle-store.ts';
import {
  type OldVm,
  type OsCounts,
  type RecycleProgress,
  type RecycleRequest,
  recycleBatchRequestId,
  recycleDeploymentId,
  recycleWorkflowId,
} from '../domain/fleet-recycle.ts';
import { lastSucceeded, oldVmsOf, type RecycleRelease, readyCounts, releaseOf } from '../domain/fleet-recycle-plan.ts';
import type { ActivityDeps } from './deps.ts';
import { mapFailures } from './failures.ts';
import { type AllocatedFleet, allocateVms } from './fleet-activities.ts';

export type { RecycleRelease } from '../domain/fleet-recycle-plan.ts';

export interface RecyclePlanInput {
  recycleId: string;
  team: string;
  requestedBy: string;
  request: RecycleRequest;
}

export interface RecyclePlan {
  old: OldVm[];
  release: RecycleRelease;
  countsBefore: OsCounts;
  /** Where the new VMs' host steps are recorded. */
  deploymentId: string;
}

export type RecycleActivityDeps = ActivityDeps & { recycleStore: RecycleStore };

/** A recycle's bookkeeping: its plan, its VM requests, its reports; every one a repeatable write. */
export function createRecycleActivities(deps: RecycleActivityDeps) {
  return {
    /**
     * The old VMs, the release to deploy and the counts before; opens the
     * deployment record the new VMs' host steps are written under (once).
     */
    async planRecycle(input: RecyclePlanInput): Promise<RecyclePlan> {
      return mapFailures(async () => {
        const { request } = input;
        const last = await lastSucceeded(deps.store, request.application, request.environment);
        const release = releaseOf(last, request);
        const old = await oldVmsOf(deps.vmStore, request);
        const deploymentId = recycleDeploymentId(input.recycleId);
        await deps.store.insertDeployment({
          id: deploymentId,
          workflowId: recycleWorkflowId(input.recycleId),
          application: request.application,
          environment: request.environment,
          team: input.team,
          version: release.version,
          requestedBy: `${input.requestedBy} (fleet recycle ${input.recycleId})`,
          request: last!.request,
          status: 'RUNNING',
          createdAt: new Date(),
        });
        return { old, release, deploymentId, countsBefore: await readyCounts(deps.vmStore, request.application, request.environment) };
      });
    },

    async countReadyVms(input: { application: string; environment: string }): Promise<OsCounts> {
      return mapFailures(() => readyCounts(deps.vmStore, input.application, input.environment));
    },

    /** The recycle's report and the status of its deployment record. */
    async saveRecycleProgress(input: { progress: RecycleProgress; deploymentId?: string | undefined }): Promise<void> {
      return mapFailures(async () => {
        const at = new Date();
        await deps.recycleStore.saveProgress(input.progress, at);
        const { status } = input.progress;
        if (input.deploymentId && (status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED')) {
          await deps.store.setStatus(input.deploymentId, status, at, input.progress.error);
        }
      });
    },

    /** One batch's VM request (REQUESTED names), as `POST /v1/vms` would store it; a repeat allocates nothing new. */
    async allocateRecycleVms(input: {
      recycleId: string;
      batch: number;
      application: string;
      environment: string;
      team: string;
      requestedBy: string;
      platform: { stack: string; osVersion: string; machineType: string };
      count: number;
    }): Promise<AllocatedFleet> {
      const { stack, osVersion, machineType } = input.platform;
      return mapFailures(() =>
        allocateVms(deps, {
          requestId: recycleBatchRequestId(input.recycleId, input.batch),
          application: input.application,
          environment: input.environment,
          team: input.team,
          stack,
          osVersion,
          // The old VMs' machine type where the new platform offers it, else the platform's default.
          machineType: (offered) => (offered.includes(machineType) ? machineType : offered[0]!),
          count: input.count,
          requestedBy: `${input.requestedBy} (fleet recycle ${input.recycleId}, batch ${input.batch})`,
        }),
      );
    },
  };
}

export type RecycleActivities = ReturnType<typeof createRecycleActivities>;
