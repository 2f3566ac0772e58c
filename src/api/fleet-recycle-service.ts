import { randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { RecycleRecord, RecycleStore } from '../adapters/store/recycle-store.ts';
import { provisioningNotConfigured } from '../config.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeploymentStore } from '../domain/deployment.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { type RecycleRequest, recycleWorkflowId } from '../domain/fleet-recycle.ts';
import { lastSucceeded, oldVmsOf, readyCounts, releaseOf } from '../domain/fleet-recycle-plan.ts';
import { findPlatform, type ProvisioningCatalog } from '../domain/provisioning-catalog.ts';
import type { VmStore } from '../domain/vm.ts';
import { Application, Environment, Team } from '../temporal/search-attributes.ts';
import { cancelRecycleUpdate, pauseRecycleUpdate, type RecycleControlAnswer, resumeRecycleUpdate } from '../workflows/recycle-controls.ts';
import type { RecycleFleetInput } from '../workflows/recycle-fleet.ts';
import type { Principal } from './auth.ts';

export const RECYCLE_CONTROLS = ['pause', 'resume', 'cancel'] as const;
export type RecycleControlAction = (typeof RECYCLE_CONTROLS)[number];
const updates = { pause: pauseRecycleUpdate, resume: resumeRecycleUpdate, cancel: cancelRecycleUpdate } as const;
/** As for deploys: a control not confirmed within this is answered 202 (sent). */
const CONTROL_ANSWER_MS = 1500;

export interface FleetRecycleServiceDeps {
  recycles: RecycleStore;
  deployments: DeploymentStore;
  vmStore: VmStore;
  client: Client;
  taskQueue: string;
  catalog: ProvisioningCatalog;
  /** The ceiling: a team's token recycles only its own applications' fleets. */
  applications: ApplicationCatalog;
  /** Any unset, and a recycle is refused with 503 (its jobs could not run). @default [] */
  provisioningMissing?: readonly string[];
}

/** `POST /v1/fleet-recycles`: checked (scope, platform, old VMs, release), stored QUEUED, the workflow started. */
export class FleetRecycleService {
  constructor(private readonly deps: FleetRecycleServiceDeps) {}

  async start(request: RecycleRequest, principal: Principal): Promise<RecycleRecord> {
    const team = this.checkScope(request, principal);
    const missing = this.deps.provisioningMissing ?? [];
    if (missing.length > 0) throw provisioningNotConfigured(missing);
    const old = await oldVmsOf(this.deps.vmStore, request);
    for (const stack of new Set(old.map((vm) => request.stack ?? vm.stack))) {
      if (!findPlatform(this.deps.catalog, stack, request.toOsVersion)) {
        throw new VesemirError(ErrorType.UnsupportedPlatform, `no provisioning job for ${stack} on ${request.toOsVersion}`, { field: 'toOsVersion' });
      }
    }
    releaseOf(await lastSucceeded(this.deps.deployments, request.application, request.environment), request);
    const id = `fr-${randomUUID()}`;
    const record = {
      id,
      workflowId: recycleWorkflowId(id),
      application: request.application,
      environment: request.environment,
      team,
      requestedBy: principal.name,
      request,
      countsBefore: await readyCounts(this.deps.vmStore, request.application, request.environment),
      createdAt: new Date(),
    };
    await this.deps.recycles.insertRecycle(record);
    const { catalog } = this.deps;
    const input: RecycleFleetInput = {
      recycleId: id,
      team,
      requestedBy: principal.name,
      request,
      decommission: { deadlineSeconds: catalog.deadlineSeconds, poll: { ...catalog.poll } },
    };
    try {
      await this.deps.client.workflow.start('recycleFleet', {
        workflowId: record.workflowId,
        taskQueue: this.deps.taskQueue,
        args: [input],
        typedSearchAttributes: [
          { key: Application, value: request.application },
          { key: Environment, value: request.environment },
          { key: Team, value: team },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        await this.deps.recycles.saveProgress({ recycleId: id, status: 'FAILED', batches: [], error: `not started: ${(err as Error).message}` }, new Date());
        throw new VesemirError(ErrorType.TemporalUnavailable, `the fleet recycle could not be started: ${(err as Error).message}`);
      }
    }
    return (await this.deps.recycles.getRecycle(id))!;
  }

  async get(id: string, principal: Principal): Promise<RecycleRecord> {
    const record = await this.deps.recycles.getRecycle(id);
    if (!record) throw new VesemirError(ErrorType.NotFound, `fleet recycle ${id} not found`);
    if (!principal.admin && principal.team !== record.team) {
      throw new VesemirError(ErrorType.Forbidden, `fleet recycle ${id} belongs to team '${record.team}', not '${principal.team ?? '(none)'}'`);
    }
    return record;
  }

  async control(record: RecycleRecord, action: RecycleControlAction): Promise<RecycleControlAnswer & { pending?: boolean }> {
    const handle = this.deps.client.workflow.getHandle(record.workflowId);
    const finished = (why: string) => new VesemirError(ErrorType.DeploymentFinished, `fleet recycle ${record.id}: '${action}' does not apply, ${why}`);
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') throw finished(`it has finished (${record.status})`);
    try {
      return await this.deps.client.withDeadline(Date.now() + CONTROL_ANSWER_MS, () => handle.executeUpdate(updates[action]));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new VesemirError(ErrorType.ControlRejected, err.cause?.message ?? err.message);
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        return { recycleId: record.id, status: record.status, message: `'${action}' sent; not confirmed yet: GET it to see`, pending: true };
      }
      if (err instanceof WorkflowNotFoundError) throw finished('it ended while the control was on its way');
      throw err;
    }
  }

  /** The applications file is the ceiling: the caller's team must own the application. Answers that team. */
  private checkScope(request: RecycleRequest, principal: Principal): string {
    const app = this.deps.applications.get(request.application);
    if (!app)
      throw new VesemirError(ErrorType.UnknownApplication, `application '${request.application}' is not in the applications file`, { field: 'application' });
    if (!principal.admin && app.team !== principal.team) {
      throw new VesemirError(
        ErrorType.OutsideApplicationScope,
        `application '${app.name}' belongs to team '${app.team}', not '${principal.team ?? '(none)'}'`,
        {
          field: 'application',
        },
      );
    }
    if (!app.environments.includes(request.environment)) {
      throw new VesemirError(
        ErrorType.OutsideApplicationScope,
        `application '${app.name}' has environments ${app.environments.join(', ')}, not '${request.environment}'`,
        {
          field: 'environment',
        },
      );
    }
    return app.team;
  }
}
