import { ApplicationFailure, executeChild, ParentClosePolicy, proxyLocalActivities } from '@temporalio/workflow';
import type { Discovered, DiscoverInput } from '../activities/deployment-activities.ts';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { DeploymentStatus } from '../domain/deployment.ts';
import { ErrorType } from '../domain/errors.ts';
import { fleetVerdict } from '../domain/fleet-budget.ts';
import { ownerSearchAttributes } from '../temporal/search-attributes.ts';
import { localBookkeeping } from './activity-options.ts';
import { type CreateVmsInput, createVms } from './create-vms.ts';

const localDb = proxyLocalActivities<Activities>(localBookkeeping);

export interface FleetPhase {
  deploymentId: string;
  team: string;
  maxFailedHosts: number;
  setStatus(status: DeploymentStatus): Promise<void>;
  /** The status once the VMs are up: RUNNING, or PAUSED when paused meanwhile. */
  afterwards(): DeploymentStatus;
}

/**
 * Lazy creation (docs/vms.md, "VMs created on the first deploy"): when Chef
 * finds no host and the application declares its fleet, the deploy is
 * PROVISIONING while a child `createVms` builds the VMs; a partial creation
 * obeys the failure budget; then the hosts are discovered again in Chef, the
 * VMs that failed left out, and the deploy goes on as any other.
 */
export async function discoverCreatingFleet(
  discover: (input: DiscoverInput) => Promise<Discovered>,
  input: DiscoverInput,
  phase: FleetPhase,
): Promise<Discovered> {
  const found = await discover(input);
  if (!found.fleet) return found;
  await phase.setStatus('PROVISIONING');
  const allocated = await localDb.allocateFleetVms({
    deploymentId: phase.deploymentId,
    application: input.application,
    environment: input.environment,
    team: phase.team,
    fleet: found.fleet,
  });
  const args: CreateVmsInput = {
    requestId: allocated.requestId,
    application: input.application,
    environment: input.environment,
    team: phase.team,
    vms: allocated.vms,
    deadlineSeconds: allocated.deadlineSeconds,
    poll: allocated.poll,
  };
  // A cancel of the deploy cancels the child: its unfinished VMs become CANCELLED.
  const outcome = await executeChild(createVms, {
    workflowId: allocated.workflowId,
    args: [args],
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    typedSearchAttributes: ownerSearchAttributes({ ...input, team: phase.team }),
  });
  const verdict = fleetVerdict(outcome.vms, phase.maxFailedHosts);
  if (!verdict.proceed) throw ApplicationFailure.nonRetryable(verdict.reason, ErrorType.ProvisioningFailed);
  await phase.setStatus(phase.afterwards());
  return discover({ ...input, createdFleet: { failed: verdict.failed } });
}
