import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { DeployRequest } from '../domain/deploy-request.ts';
import type { ControlAnswer, DeployOutcome } from '../domain/deploy-types.ts';
import type { DeploymentRecord, DeploymentStore } from '../domain/deployment.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { deploySearchAttributes } from '../temporal/search-attributes.ts';
import { approveUpdate, cancelUpdate, pauseUpdate, resumeUpdate, retryUpdate } from '../workflows/definitions.ts';

export const CONTROL_ACTIONS = ['pause', 'resume', 'cancel', 'approve', 'retry'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

const updates = { pause: pauseUpdate, resume: resumeUpdate, approve: approveUpdate, retry: retryUpdate } as const;

/**
 * How long a control waits for the deploy to take it. A deploy answers in
 * milliseconds while its worker runs; one whose worker is busy or restarting
 * takes the control at its next workflow task, and the caller learns so
 * (202) rather than waiting for it.
 */
const CONTROL_ANSWER_MS = 1500;

/**
 * Operators' controls on a deployment. While its workflow runs they are
 * Temporal updates (rejected by the workflow's validators when they do not
 * apply); a retry after the deployment failed starts a new run of the same
 * workflow over the hosts that are not DONE, under the same deployment id.
 */
export class DeploymentControls {
  constructor(
    private readonly client: Client,
    private readonly store: DeploymentStore,
    private readonly taskQueue: string,
  ) {}

  async apply(record: DeploymentRecord, action: ControlAction, options: { rollback?: boolean }): Promise<ControlAnswer> {
    const handle = this.client.workflow.getHandle(record.workflowId);
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') {
      try {
        return await this.client.withDeadline(Date.now() + CONTROL_ANSWER_MS, () =>
          action === 'cancel' ? handle.executeUpdate(cancelUpdate, { args: [{ rollback: options.rollback === true }] }) : handle.executeUpdate(updates[action]),
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw new VesemirError(ErrorType.ControlRejected, err.cause?.message ?? err.message);
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          const message = `'${action}' sent; the deployment has not confirmed it within ${CONTROL_ANSWER_MS / 1000} s (its worker is busy or restarting) and takes it when its worker does: GET it to see`;
          return { deploymentId: record.id, status: record.status, message, pending: true };
        }
        // The deploy ended between the describe and the update ("aborted by closing workflow").
        if (err instanceof WorkflowNotFoundError) throw finished(record.id, action, 'it ended while the control was on its way');
        throw err;
      }
    }
    if (action === 'retry' && record.status === 'FAILED') return this.retryRun(record, (await handle.result()) as DeployOutcome);
    throw finished(record.id, action, `it has finished (${record.status})`);
  }

  private async retryRun(record: DeploymentRecord, outcome: DeployOutcome): Promise<ControlAnswer> {
    if (!outcome.snapshot) {
      throw new VesemirError(
        ErrorType.NothingToRetry,
        `deployment ${record.id} failed before it touched any host (${record.error ?? 'no hosts'}); start a new deployment`,
      );
    }
    const request = record.request as DeployRequest;
    await this.store.setStatus(record.id, 'QUEUED', new Date());
    await this.client.workflow.start('deploy', {
      workflowId: record.workflowId,
      taskQueue: this.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      args: [
        {
          deploymentId: record.id,
          request,
          retry: { ...outcome.snapshot, previous: outcome.hosts, round: (outcome.round ?? 1) + 1 },
          // A rollback's retry is a rollback again: its hosts go back to their kept release, nothing downloaded.
          ...(outcome.rollbackOf ? { rollbackOf: outcome.rollbackOf } : {}),
        },
      ],
      typedSearchAttributes: deploySearchAttributes(request, 'QUEUED'),
    });
    const again = outcome.hosts.filter((h) => h.status !== 'DONE').map((h) => h.name);
    return { deploymentId: record.id, status: 'QUEUED', message: `retrying ${again.join(', ')} in a new run` };
  }
}

function finished(id: string, action: ControlAction, why: string): VesemirError {
  return new VesemirError(ErrorType.DeploymentFinished, `deployment ${id}: '${action}' does not apply, ${why}`);
}
