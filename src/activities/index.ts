import type { RecycleStore } from '../adapters/store/recycle-store.ts';
import { createDeploymentActivities } from './deployment-activities.ts';
import type { ActivityDeps } from './deps.ts';
import { createFleetActivities } from './fleet-activities.ts';
import { createHostActivities } from './host-activities.ts';
import { createLbActivities } from './lb-activities.ts';
import { createRecycleActivities, type RecycleActivities } from './recycle-activities.ts';
import { createRecycleLbActivities, type RecycleLbActivities } from './recycle-lb-activities.ts';
import { createVmActivities, type VmActivities } from './vm-activities.ts';
import { createVmDecommissionActivities, type VmDecommissionActivities } from './vm-decommission-activities.ts';

export type { ActivityDeps } from './deps.ts';

/** The deploy activities alone (workflow tests swap them for object literals). */
export function createDeployActivities(deps: ActivityDeps) {
  return {
    ...createDeploymentActivities(deps),
    ...createHostActivities(deps),
    ...createLbActivities(deps),
    ...createFleetActivities(deps),
  };
}

/** All activities, bound to their dependencies. Workflows import only the types. */
export function createActivities(deps: ActivityDeps) {
  const vmDeps = {
    vmStore: deps.vmStore,
    provisioner: deps.provisioner,
    chef: deps.chef,
    catalog: deps.provisioningCatalog,
    applications: deps.applications,
    logger: deps.logger,
  };
  return {
    ...createDeployActivities(deps),
    ...createVmActivities(vmDeps),
    ...createVmDecommissionActivities({
      ...vmDeps,
      loadBalancer: deps.loadBalancer,
      drainTimeoutMs: deps.drainTimeoutMs,
      allowedNetworks: deps.allowedNetworks,
    }),
    ...createRecycleActivities({ ...deps, recycleStore: deps.recycleStore ?? missingRecycleStore }),
    ...createRecycleLbActivities(deps),
  };
}

/** A worker wired without a database: a recycle fails at its first write, saying why. */
const missingRecycleStore: RecycleStore = {
  insertRecycle: () => Promise.reject(new Error('no fleet recycle store on this worker')),
  saveProgress: () => Promise.reject(new Error('no fleet recycle store on this worker')),
  getRecycle: () => Promise.reject(new Error('no fleet recycle store on this worker')),
};

export type DeployActivities = ReturnType<typeof createDeployActivities>;
export type Activities = DeployActivities & VmActivities & VmDecommissionActivities & RecycleActivities & RecycleLbActivities;
