import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeployRequest } from '../domain/deploy-request.ts';
import type { DeploymentRecord, DeploymentStore } from '../domain/deployment.ts';
import { stableJson } from '../domain/stable-json.ts';
import { Application, DeployStatus, Environment, Team } from '../temporal/search-attributes.ts';
import { deployWorkflowId, lockStateQuery, lockWorkflowId } from '../workflows/definitions.ts';
import { HttpError } from './errors.ts';

export interface DeploymentServiceDeps {
  store: DeploymentStore;
  client: Client;
  taskQueue: string;
  applications: ApplicationCatalog;
}

export interface CreateOptions {
  idempotencyKey?: string | undefined;
  requestedBy: string;
}

/** Starting deployments: validation against server config, idempotency, the queue rule. */
export class DeploymentService {
  constructor(private readonly deps: DeploymentServiceDeps) {}

  async create(request: DeployRequest, options: CreateOptions): Promise<{ record: DeploymentRecord; created: boolean }> {
    const app = this.deps.applications.get(request.application);
    if (!app) {
      const known = [...this.deps.applications.keys()].join(', ') || '(none configured)';
      throw new HttpError(422, 'UnknownApplication', `application '${request.application}' is not configured here; known: ${known}`);
    }
    if (app.team !== request.team) {
      throw new HttpError(422, 'WrongTeam', `application '${request.application}' belongs to team '${app.team}', not '${request.team}'`);
    }
    const id = deploymentId(request, options.idempotencyKey);
    const existing = await this.deps.store.getDeployment(id);
    if (existing) {
      if (stableJson(existing.request) !== stableJson(request)) {
        throw new HttpError(422, 'IdempotencyKeyReused', `Idempotency-Key was already used for deployment ${id} with a different request`);
      }
      await this.startWorkflow(id, request);
      return { record: existing, created: false };
    }
    if (!request.queue) await this.refuseIfBusy(request);

    const record = {
      id,
      workflowId: deployWorkflowId(id),
      application: request.application,
      environment: request.environment,
      team: request.team,
      version: request.version,
      requestedBy: options.requestedBy,
      request,
      status: 'QUEUED' as const,
      createdAt: new Date(),
    };
    const { created } = await this.deps.store.insertDeployment(record);
    try {
      await this.startWorkflow(id, request);
    } catch (err) {
      // Without a key the caller cannot retry this one: do not leave it QUEUED forever.
      if (!options.idempotencyKey) await this.deps.store.setStatus(id, 'FAILED', new Date(), `not started: ${(err as Error).message}`);
      throw new HttpError(503, 'TemporalUnavailable', `the deployment could not be started: ${(err as Error).message}`);
    }
    const saved = await this.deps.store.getDeployment(id);
    return { record: saved ?? { ...record, loadBalancers: [], hosts: [] }, created };
  }

  private async startWorkflow(id: string, request: DeployRequest): Promise<void> {
    await this.deps.client.workflow.start('deploy', {
      workflowId: deployWorkflowId(id),
      taskQueue: this.deps.taskQueue,
      args: [{ deploymentId: id, request }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: Application, value: request.application },
        { key: Environment, value: request.environment },
        { key: Team, value: request.team },
        { key: DeployStatus, value: 'QUEUED' },
      ],
    });
  }

  /** `queue: false`: refuse when another deploy of the same application/environment holds or waits for the lock. */
  private async refuseIfBusy(request: DeployRequest): Promise<void> {
    const handle = this.deps.client.workflow.getHandle(lockWorkflowId(request.application, request.environment));
    let busy: string | undefined;
    try {
      const state = await handle.query(lockStateQuery);
      busy = state.holder?.deploymentId ?? state.queue[0]?.deploymentId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || (err as Error).name === 'QueryNotRegisteredError') return;
      // A lock that finished answers with an error too: nothing holds it.
      if (/completed|closed/i.test((err as Error).message)) return;
      throw err;
    }
    if (busy) {
      throw new HttpError(
        409,
        'DeploymentInProgress',
        `deployment ${busy} of ${request.application}/${request.environment} is in progress; retry later or send "queue": true`,
        { runningDeploymentId: busy },
      );
    }
  }
}

/** With an Idempotency-Key the id is derived from it, so a repeat finds the same deployment. */
export function deploymentId(request: DeployRequest, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return `d-${randomUUID()}`;
  const hash = createHash('sha256')
    .update([request.team, request.application, request.environment, idempotencyKey].join('\n'))
    .digest('hex');
  return `d-${hash.slice(0, 32)}`;
}
