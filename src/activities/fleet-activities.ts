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
        const catalog = deps.provisioningCatalog;
        const platform = findPlatform(catalog, input.fleet.stack, input.fleet.osVersion);
        if (!platform) {
          throw new VesemirError(ErrorType.UnsupportedPlatform, `no provisioning job for ${input.fleet.stack} on ${input.fleet.osVersion}`);
        }
        const deployment = await deps.store.getDeployment(input.deploymentId);
        const requestId = fleetRequestId(input.deploymentId);
        const { record } = await deps.vmStore.createRequest({
          id: requestId,
          workflowId: createVmsWorkflowId(requestId),
          application: input.application,
          environment: input.environment,
          team: input.team,
          stack: input.fleet.stack,
          osVersion: input.fleet.osVersion,
          machineType: input.fleet.machineType ?? platform.machineTypes[0]!,
          count: input.fleet.count,
          requestedBy: deployment?.requestedBy ?? `deployment ${input.deploymentId}`,
          createdAt: new Date(),
        });
        return {
          requestId,
          workflowId: record.workflowId,
          vms: record.vms.map((vm) => vm.name),
          deadlineSeconds: catalog.deadlineSeconds,
          poll: { ...catalog.poll },
        };
      });
    },
  };
}
