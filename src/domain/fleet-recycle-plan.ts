import type { DeployRequest } from './deploy-request.ts';
import type { DeploymentRecord, DeploymentStore } from './deployment.ts';
import { ErrorType, VesemirError } from './errors.ts';
import { type OldVm, type OsCounts, type RecycleRequest, vmsToRecycle } from './fleet-recycle.ts';
import type { VmStore } from './vm.ts';

/*
 * What a fleet recycle reads before it starts, through the ports: the API
 * checks it before accepting one, the workflow's plan reads it again.
 */

/** What a recycle deploys to its new VMs: the release the old fleet runs, from its last SUCCEEDED deploy. */
export interface RecycleRelease {
  version: string;
  artifact: DeployRequest['artifact'];
  healthCheck: DeployRequest['healthCheck'];
  weight: number;
  degradationSeconds: number;
  /** The deploy it came from. */
  deploymentId: string;
}

/** READY VMs of the application/environment per OS version. */
export async function readyCounts(vmStore: VmStore, application: string, environment: string): Promise<OsCounts> {
  return (await vmStore.countVms({ application, environment, status: 'READY' })).byOsVersion;
}

/** The release of the last SUCCEEDED deploy; `currentRelease`, when given, must be it. */
export function releaseOf(last: DeploymentRecord | undefined, request: RecycleRequest): RecycleRelease {
  const where = `${request.application}/${request.environment}`;
  if (!last) throw new VesemirError(ErrorType.NoCurrentRelease, `no SUCCEEDED deployment of ${where}: the release the fleet runs is unknown`);
  const deployed = last.request as DeployRequest;
  if (request.currentRelease && request.currentRelease !== deployed.version) {
    throw new VesemirError(
      ErrorType.NoCurrentRelease,
      `currentRelease ${request.currentRelease} is not the release of ${where}'s last SUCCEEDED deployment ${last.id} (${deployed.version})`,
      { field: 'currentRelease' },
    );
  }
  return {
    version: deployed.version,
    artifact: deployed.artifact,
    healthCheck: deployed.healthCheck,
    weight: deployed.haproxy.weight,
    degradationSeconds: deployed.haproxy.degradationSeconds,
    deploymentId: last.id,
  };
}

/** The old VMs of a recycle, from the inventory; none is a refusal, not an empty success. */
export async function oldVmsOf(vmStore: VmStore, request: RecycleRequest): Promise<OldVm[]> {
  const vms = await vmStore.listVms({ application: request.application, environment: request.environment, status: 'READY', limit: 1000 });
  const old = vmsToRecycle(vms, request.fromOsVersion, request.toOsVersion).flatMap((vm) =>
    vm.address ? [{ name: vm.name, address: vm.address, stack: vm.stack, osVersion: vm.osVersion, machineType: vm.machineType }] : [],
  );
  if (old.length === 0) {
    const from = request.fromOsVersion ?? `any OS but ${request.toOsVersion}`;
    throw new VesemirError(ErrorType.NothingToRecycle, `no READY VM of ${request.application}/${request.environment} on ${from} in the inventory`);
  }
  return old;
}

/** The last SUCCEEDED deploy of the application/environment: its request tells the release the fleet runs. */
export async function lastSucceeded(store: DeploymentStore, application: string, environment: string) {
  const [last] = await store.listDeployments({ application, environment, status: ['SUCCEEDED'], limit: 1 });
  return last;
}
