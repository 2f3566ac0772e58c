import { ErrorType, VesemirError } from '../domain/errors.ts';
import { type FleetToCreate, fleetRequestId } from '../domain/fleet-budget.ts';
import { findPlatform } from '../domain/provisioning-catalog.ts';
import { createVmsWorkflowId } from '../domain/vm.ts';
import type { ActivityDeps } from './deps.ts';
import { mapFailures } from './failures.ts';

export interface AllocateFleetInput {
  deploymentId: string;
  application: string;
  environment: string;
  team: string;
  fleet: FleetToCreate;
}

/** What the deploy's child `createVms` needs: the request, its names, the catalog's timing. */
export interface AllocatedFleet {
  requestId: string;
  workflowId: string;
  vms: string[];
  deadlineSeconds: number;
  poll: { initialSeconds: number; maxSeconds: number };
}

/** Lazy creation's bookkeeping: the VM request of a deploy's declared fleet. */
export function createFleetActivities(deps: ActivityDeps) {
  return {
    /**
     * Stores the deploy's VM request and its names (REQUESTED), as `POST /v1/vms`
     * would for the deploy's team and requester. Its id derives from the
     * deployment's, so a repeat (a replayed or retried step) allocates nothing new.
     */
    async allocateFleetVms(input: AllocateFleetInput): Promise<AllocatedFleet> {
      return mapFailures(async () => {
        const deployment = await deps.store.getDeployment(input.deploymentId);
        return await allocateVms(deps, {
          requestId: fleetRequestId(input.deploymentId),
          application: input.application,
          environment: input.environment,
          team: input.team,
          stack: input.fleet.stack,
          osVersion: input.fleet.osVersion,
          machineType: (offered) => input.fleet.machineType ?? offered[0]!,
          count: input.fleet.count,
          requestedBy: deployment?.requestedBy ?? `deployment ${input.deploymentId}`,
        });
      });
    },
  };
}

/**
 * Stores a VM request (its names REQUESTED) for a workflow that creates VMs
 * of its own (a deploy's fleet, a recycle's batch) and answers what its
 * `createVms` child needs. `requestId` derives from the caller's id, so a
 * repeat allocates nothing new.
 */
export async function allocateVms(
  deps: Pick<ActivityDeps, 'provisioningCatalog' | 'vmStore'>,
  request: {
    requestId: string;
    application: string;
    environment: string;
    team: string;
    stack: string;
    osVersion: string;
    /** The machine type, from those the platform offers (the first is its default). */
    machineType: (offered: readonly string[]) => string;
    count: number;
    requestedBy: string;
  },
): Promise<AllocatedFleet> {
  const catalog = deps.provisioningCatalog;
  const { requestId, stack, osVersion } = request;
  const platform = findPlatform(catalog, stack, osVersion);
  if (!platform) throw new VesemirError(ErrorType.UnsupportedPlatform, `no provisioning job for ${stack} on ${osVersion}`);
  const { record } = await deps.vmStore.createRequest({
    id: requestId,
    workflowId: createVmsWorkflowId(requestId),
    application: request.application,
    environment: request.environment,
    team: request.team,
    stack,
    osVersion,
    machineType: request.machineType(platform.machineTypes),
    count: request.count,
    requestedBy: request.requestedBy,
    createdAt: new Date(),
  });
  return {
    requestId,
    workflowId: record.workflowId,
    vms: record.vms.map((vm) => vm.name),
    deadlineSeconds: catalog.deadlineSeconds,
    poll: { ...catalog.poll },
  };
}
