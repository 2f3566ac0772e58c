// The workflow bundle's entry point: every workflow the worker registers.

export { createVms } from './create-vms.ts';
export { decommissionVm } from './decommission-vm.ts';
export { deploy } from './deploy.ts';
export { deployHost, rollbackHost } from './deploy-host.ts';
export { deploymentLock } from './deployment-lock.ts';
export { recycleFleet } from './recycle-fleet.ts';
export { checkRollback } from './rollback.ts';
