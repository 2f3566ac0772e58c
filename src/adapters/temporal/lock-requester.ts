import type { Client } from '@temporalio/client';
import type { LockRequest, LockRequester } from '../../activities/deps.ts';
import { acquireLockSignal, lockWorkflowId } from '../../workflows/definitions.ts';

/** Signal-with-start on the (application, environment) lock workflow. */
export class TemporalLockRequester implements LockRequester {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async request(req: LockRequest): Promise<void> {
    await this.client.workflow.signalWithStart('deploymentLock', {
      workflowId: lockWorkflowId(this.taskQueue, req.application, req.environment),
      taskQueue: this.taskQueue,
      args: [],
      signal: acquireLockSignal,
      signalArgs: [{ workflowId: req.workflowId, deploymentId: req.deploymentId }],
    });
  }
}
