import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { LockRequest } from '../activities/deps.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeployRequest } from '../domain/deploy-request.ts';
import type { ControlAnswer, RollbackInput } from '../domain/deploy-types.ts';
import type { DeploymentRecord, DeploymentStore } from '../domain/deployment.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { fleetFor } from '../domain/fleet.ts';
import { fleetRequestId } from '../domain/fleet-budget.ts';
import type { ChefClient, LoadBalancer } from '../domain/ports.ts';
import { stableJson } from '../domain/stable-json.ts';
import { resolveTargets, type Targets } from '../domain/targets.ts';
import type { VmRequestRecord, VmStore } from '../domain/vm.ts';
import { deploySearchAttributes } from '../temporal/search-attributes.ts';
import { deployWorkflowId, type LockState, type LockTurnAnswer } from '../workflows/definitions.ts';
import { type ControlAction, DeploymentControls } from './deployment-controls.ts';
import { type QueuePlace, queuePlaces } from './deployment-queue.ts';
import { type RollbackOptions, startRollback } from './deployment-rollback.ts';
import { type DryRunPlan, dryRun } from './dry-run.ts';

export interface DeploymentServiceDeps {
  store: DeploymentStore;
  client: Client;
  taskQueue: string;
  applications: ApplicationCatalog;
  /** The (application, environment) lock: a deploy's turn is taken before it starts. */
  turns: DeployTurns;
  /** For dry runs: each server's state and weight now. Without it a dry run shows no weights. */
  loadBalancer?: Pick<LoadBalancer, 'serverStates'> | undefined;
  /** For dry runs; without it a dry run answers 503. */
  chef?: ChefClient | undefined;
  /** The inventory, for the progress of a deploy that creates its fleet. Without it GET shows none. */
  vmStore?: Pick<VmStore, 'getRequest'> | undefined;
}

export interface DeployTurns {
  takeTurn(req: LockRequest & { queue: boolean }): Promise<LockTurnAnswer>;
  release(req: LockRequest): Promise<void>;
  /** The lock's holder and queue, read without changing it. */
  state(application: string, environment: string): Promise<LockState | undefined>;
}

export interface CreateOptions {
  idempotencyKey?: string | undefined;
  requestedBy: string;
}

/** Starting deployments: validation against server config, idempotency, the queue rule. */
export class DeploymentService {
  private readonly controls: DeploymentControls;

  constructor(private readonly deps: DeploymentServiceDeps) {
    this.controls = new DeploymentControls(deps.client, deps.store, deps.taskQueue);
  }

  async get(id: string): Promise<DeploymentRecord> {
    const record = await this.deps.store.getDeployment(id);
    if (!record) throw new VesemirError(ErrorType.NotFound, `deployment ${id} not found`);
    return record;
  }

  /** The VM request of the fleet this deployment created (lazy creation), if it created one. */
  async fleetRequest(record: DeploymentRecord): Promise<VmRequestRecord | undefined> {
    return this.deps.vmStore?.getRequest(fleetRequestId(record.id));
  }

  /** Where each QUEUED one of `records` stands in its queue (see deployment-queue.ts). */
  queuePlaces(records: DeploymentRecord[]): Promise<Map<string, QueuePlace>> {
    return queuePlaces(records, (application, environment) => this.deps.turns.state(application, environment));
  }

  /** A rollback of the finished deployment `id`: a new deployment (see deployment-rollback.ts). */
  async rollback(id: string, options: RollbackOptions): Promise<DeploymentRecord> {
    return startRollback(this, this.deps, await this.get(id), options);
  }

  get turns(): DeployTurns {
    return this.deps.turns;
  }

  async control(id: string, action: ControlAction, options: { rollback?: boolean }): Promise<ControlAnswer> {
    return this.controls.apply(await this.get(id), action, options);
  }

  async dryRun(request: DeployRequest): Promise<DryRunPlan> {
    const targets = this.checkTargets(request);
    if (!this.deps.chef) throw new VesemirError(ErrorType.ChefUnavailable, 'Chef is not configured on this server');
    const app = this.deps.applications.get(request.application);
    return dryRun(request, targets, this.deps.chef, this.deps.loadBalancer, app && fleetFor(app, request.environment));
  }

  /** The application's scope is the ceiling: the same check the worker makes again before it searches. */
  checkTargets(request: DeployRequest): Targets {
    const app = this.deps.applications.get(request.application);
    if (!app) {
      const known = [...this.deps.applications.keys()].join(', ') || '(none configured)';
      throw new VesemirError(ErrorType.UnknownApplication, `application '${request.application}' is not configured here; known: ${known}`, {
        field: 'application',
      });
    }
    if (app.team !== request.team) {
      throw new VesemirError(ErrorType.WrongTeam, `application '${request.application}' belongs to team '${app.team}', not '${request.team}'`, {
        field: 'team',
      });
    }
    return resolveTargets(app, request);
  }

  async create(request: DeployRequest, options: CreateOptions): Promise<{ record: DeploymentRecord; created: boolean }> {
    this.checkTargets(request);
    const id = deploymentId(request, options.idempotencyKey);
    const existing = await this.deps.store.getDeployment(id);
    if (existing) {
      if (stableJson(existing.request) !== stableJson(request)) {
        throw new VesemirError(ErrorType.IdempotencyKeyReused, `Idempotency-Key was already used for deployment ${id} with a different request`);
      }
      // A repeat of a request whose start may have been cut short (API died after the insert).
      if (existing.status === 'QUEUED') {
        await this.takeTurn(id, request, true);
        await this.startWorkflow(id, request);
      }
      return { record: existing, created: false };
    }
    // The turn first: a refused `queue: false` request leaves nothing behind.
    await this.takeTurn(id, request, request.queue);
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
    let created = false;
    try {
      ({ created } = await this.deps.store.insertDeployment(record));
      await this.startWorkflow(id, request);
    } catch (err) {
      await this.deps.turns.release(this.lockRequest(id, request)).catch(() => undefined);
      // Without a key the caller cannot retry this one: do not leave it QUEUED forever.
      if (!options.idempotencyKey) await this.deps.store.setStatus(id, 'FAILED', new Date(), `not started: ${(err as Error).message}`).catch(() => undefined);
      throw new VesemirError(ErrorType.TemporalUnavailable, `the deployment could not be started: ${(err as Error).message}`);
    }
    const saved = await this.deps.store.getDeployment(id);
    return { record: saved ?? { ...record, loadBalancers: [], hosts: [] }, created };
  }

  lockRequest(id: string, request: DeployRequest): LockRequest {
    return { application: request.application, environment: request.environment, workflowId: deployWorkflowId(id), deploymentId: id };
  }

  /**
   * Takes the deploy's place in the (application, environment) queue before it
   * starts, so deploys run in the order they were accepted. The lock decides
   * `queue: false` itself, one request at a time: of concurrent ones at most one is accepted.
   */
  async takeTurn(id: string, request: DeployRequest, queue: boolean): Promise<void> {
    let answer: LockTurnAnswer;
    try {
      answer = await this.deps.turns.takeTurn({ ...this.lockRequest(id, request), queue });
    } catch (err) {
      throw new VesemirError(ErrorType.TemporalUnavailable, `the deployment lock could not be reached: ${(err as Error).message}`);
    }
    if (answer.status === 'busy') {
      const busy = answer.holder.deploymentId;
      throw new VesemirError(
        ErrorType.DeploymentInProgress,
        `deployment ${busy} of ${request.application}/${request.environment} is in progress; retry later or send "queue": true`,
        { details: { runningDeploymentId: busy } },
      );
    }
  }

  /** Starts the deploy workflow; `rollbackOf` makes it a rollback of a finished deploy. */
  async startWorkflow(id: string, request: DeployRequest, rollbackOf?: RollbackInput): Promise<void> {
    try {
      await this.deps.client.workflow.start('deploy', {
        workflowId: deployWorkflowId(id),
        taskQueue: this.deps.taskQueue,
        args: [{ deploymentId: id, request, ...(rollbackOf ? { rollbackOf } : {}) }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        // A finished deployment is never started again by a repeated request (a retry is explicit).
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: deploySearchAttributes(request, 'QUEUED'),
      });
    } catch (err) {
      // It ran already (and finished): nothing to start.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }
}

/** With an Idempotency-Key the id is derived from it, so a repeat finds the same deployment. */
export function deploymentId(request: DeployRequest, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return `d-${randomUUID()}`;
  const hash = createHash('sha256').update([request.team, request.application, request.environment, idempotencyKey].join('\n')).digest('hex');
  return `d-${hash.slice(0, 32)}`;
}
