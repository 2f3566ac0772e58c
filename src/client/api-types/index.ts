// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { operations as healthzOperations, paths as healthzPaths } from './healthz.ts';
import type { operations as deploymentsIdPauseOperations, paths as deploymentsIdPausePaths } from './deployments-id-pause.ts';
import type { operations as deploymentsIdResumeOperations, paths as deploymentsIdResumePaths } from './deployments-id-resume.ts';
import type { operations as deploymentsIdCancelOperations, paths as deploymentsIdCancelPaths } from './deployments-id-cancel.ts';
import type { operations as deploymentsIdApproveOperations, paths as deploymentsIdApprovePaths } from './deployments-id-approve.ts';
import type { operations as deploymentsIdRetryOperations, paths as deploymentsIdRetryPaths } from './deployments-id-retry.ts';
import type { operations as deploymentsIdLogsOperations, paths as deploymentsIdLogsPaths } from './deployments-id-logs.ts';
import type { operations as deploymentsIdRollbackOperations, paths as deploymentsIdRollbackPaths } from './deployments-id-rollback.ts';
import type { paths as deploymentsPaths } from './deployments.ts';
import type { operations as createDeploymentOperations } from './create-deployment.ts';
import type { operations as listDeploymentsOperations } from './list-deployments.ts';
import type { operations as deploymentsIdOperations, paths as deploymentsIdPaths } from './deployments-id.ts';
import type { operations as vmsOperations, paths as vmsPaths } from './vms.ts';
import type { operations as vmsNameOperations, paths as vmsNamePaths } from './vms-name.ts';
import type { operations as vmRequestsOperations, paths as vmRequestsPaths } from './vm-requests.ts';
import type { operations as fleetRecyclesOperations, paths as fleetRecyclesPaths } from './fleet-recycles.ts';
import type { operations as fleetRecyclesIdOperations, paths as fleetRecyclesIdPaths } from './fleet-recycles-id.ts';
import type { operations as fleetRecyclesIdPauseOperations, paths as fleetRecyclesIdPausePaths } from './fleet-recycles-id-pause.ts';
import type { operations as fleetRecyclesIdResumeOperations, paths as fleetRecyclesIdResumePaths } from './fleet-recycles-id-resume.ts';
import type { operations as fleetRecyclesIdCancelOperations, paths as fleetRecyclesIdCancelPaths } from './fleet-recycles-id-cancel.ts';

export type { components } from './components.ts';

/** Every path of the API: the union of the files beside this one. */
export interface paths extends
    healthzPaths,
    deploymentsIdPausePaths,
    deploymentsIdResumePaths,
    deploymentsIdCancelPaths,
    deploymentsIdApprovePaths,
    deploymentsIdRetryPaths,
    deploymentsIdLogsPaths,
    deploymentsIdRollbackPaths,
    deploymentsPaths,
    deploymentsIdPaths,
    vmsPaths,
    vmsNamePaths,
    vmRequestsPaths,
    fleetRecyclesPaths,
    fleetRecyclesIdPaths,
    fleetRecyclesIdPausePaths,
    fleetRecyclesIdResumePaths,
    fleetRecyclesIdCancelPaths {}

/** Every operation, by its operationId. */
export interface operations extends
    healthzOperations,
    deploymentsIdPauseOperations,
    deploymentsIdResumeOperations,
    deploymentsIdCancelOperations,
    deploymentsIdApproveOperations,
    deploymentsIdRetryOperations,
    deploymentsIdLogsOperations,
    deploymentsIdRollbackOperations,
    createDeploymentOperations,
    listDeploymentsOperations,
    deploymentsIdOperations,
    vmsOperations,
    vmsNameOperations,
    vmRequestsOperations,
    fleetRecyclesOperations,
    fleetRecyclesIdOperations,
    fleetRecyclesIdPauseOperations,
    fleetRecyclesIdResumeOperations,
    fleetRecyclesIdCancelOperations {}

export type webhooks = Record<string, never>;
export type $defs = Record<string, never>;
