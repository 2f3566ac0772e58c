import { randomUUID } from 'node:crypto';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { deployRequestSchema } from '../domain/deploy-request.ts';
import { planRollback, rollbackRequest } from '../domain/deploy-rollback.ts';
import type { DeployOutcome, KeptReleasesInput, RollbackInput } from '../domain/deploy-types.ts';
import type { DeploymentRecord, DeploymentStore } from '../domain/deployment.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { deployWorkflowId } from '../workflows/definitions.ts';
import type { DeploymentService } from './deployment-service.ts';

export interface RollbackOptions {
  /** Roll back even though a later deploy of the application/environment has run since. @default false */
  force?: boolean | undefined;
  reason?: string | undefined;
  requestedBy: string;
}

/**
 * Starts a rollback of a finished deploy: a new deployment, linked both ways,
 * that takes the original's DONE hosts back to the release each had before,
 * in the same queue as a deploy. Refused (409) with the reason when it cannot be made.
 */
export async function startRollback(
  service: DeploymentService,
  deps: { store: DeploymentStore; client: Client; taskQueue: string },
  original: DeploymentRecord,
  options: RollbackOptions,
): Promise<DeploymentRecord> {
  const parsed = deployRequestSchema.safeParse(original.request);
  if (!parsed.success) throw notPossible(`deployment ${original.id}'s request is one this server no longer reads`);
  const request = parsed.data;
  service.checkTargets(request);
  const outcome = original.status === 'SUCCEEDED' ? await outcomeOf(deps.client, original) : undefined;
  const snapshot = outcome?.snapshot;
  const addresses = new Map((snapshot?.hosts ?? []).map((h) => [h.name, h]));
  const linked = original.rolledBackBy ? await deps.store.getDeployment(original.rolledBackBy) : undefined;
  const siblings = await deps.store.listDeployments({ application: original.application, environment: original.environment, limit: 500 });
  const targets = planRollback({
    original,
    hosts: (outcome?.hosts ?? []).map((result) => ({ result, host: addresses.get(result.name) ?? { name: result.name, address: '' } })),
    rolledBackBy: linked ? { id: linked.id, status: linked.status } : undefined,
    later: siblings.filter((d) => d.createdAt > original.createdAt && d.id !== original.id),
    force: options.force === true,
  });
  // The artifact the hosts go back to, for the record: the last succeeded deploy of that version before the original.
  const earlier = siblings.find((d) => d.createdAt < original.createdAt && d.status === 'SUCCEEDED' && d.version === targets[0]!.version);
  const rollback = rollbackRequest(request, targets, deployRequestSchema.safeParse(earlier?.request).data?.artifact);
  const rollbackOf: RollbackInput = {
    deploymentId: original.id,
    targets,
    loadBalancers: snapshot!.loadBalancers,
    backend: snapshot!.backend ?? request.haproxy.backend ?? '',
  };

  await refuseIfPruned(deps, { ...rollbackOf, application: rollback.application });

  const id = `d-${randomUUID()}`;
  await service.takeTurn(id, rollback, true);
  const record = {
    id,
    workflowId: deployWorkflowId(id),
    application: rollback.application,
    environment: rollback.environment,
    team: rollback.team,
    version: rollback.version,
    requestedBy: options.requestedBy,
    request: rollback,
    status: 'QUEUED' as const,
    createdAt: new Date(),
    rollbackOf: original.id,
    rollbackReason: options.reason,
  };
  try {
    const link = await deps.store.insertRollback(record);
    if (!link.linked) throw alreadyRolledBack(original.id, link.rolledBackBy);
    await service.startWorkflow(id, rollback, rollbackOf);
  } catch (err) {
    await service.turns.release(service.lockRequest(id, rollback)).catch(() => undefined);
    if (err instanceof VesemirError) throw err;
    await deps.store.setStatus(id, 'FAILED', new Date(), `not started: ${(err as Error).message}`).catch(() => undefined);
    throw new VesemirError(ErrorType.TemporalUnavailable, `the rollback could not be started: ${(err as Error).message}`);
  }
  return (await deps.store.getDeployment(id)) ?? { ...record, loadBalancers: [], hosts: [] };
}

/** How long the API waits for the hosts' answer before it accepts the rollback anyway (its own check at its turn decides). */
const PRE_CHECK_MS = 15_000;

/**
 * Asks the hosts (a short workflow, its SSH check a regular activity) whether
 * the releases are still kept, so that a pruned one is refused at once. Only
 * that answer refuses; a host slow or out of reach leaves the decision to the
 * rollback's own check when its turn comes.
 */
async function refuseIfPruned(deps: { client: Client; taskQueue: string }, input: Omit<KeptReleasesInput, 'rollbackId'>): Promise<void> {
  try {
    await deps.client.workflow.execute('checkRollback', {
      workflowId: `rollback-check-${input.deploymentId}-${randomUUID().slice(0, 8)}`,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowExecutionTimeout: PRE_CHECK_MS,
    });
  } catch (err) {
    const cause = err instanceof WorkflowFailedError && err.cause instanceof ActivityFailure ? err.cause.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === ErrorType.RollbackNotPossible) {
      throw new VesemirError(ErrorType.RollbackNotPossible, cause.message, { details: { reason: 'release-not-kept' } });
    }
  }
}

/** The original's last run: its host results (with each previous release) and snapshot. */
async function outcomeOf(client: Client, original: DeploymentRecord): Promise<DeployOutcome> {
  try {
    const outcome = (await client.workflow.getHandle(original.workflowId).result()) as DeployOutcome;
    if (outcome.snapshot) return outcome;
  } catch {
    // Gone past the namespace's retention, or never started: the answer below says so.
  }
  throw notPossible(`deployment ${original.id}'s run is no longer in Temporal: its hosts and load balancers are unknown`);
}

function notPossible(message: string): VesemirError {
  return new VesemirError(ErrorType.RollbackNotPossible, message);
}

function alreadyRolledBack(id: string, by: string): VesemirError {
  return new VesemirError(ErrorType.AlreadyRolledBack, `deployment ${id} is already rolled back by ${by}`, {
    details: { reason: 'already-rolled-back', rolledBackBy: by },
  });
}
