import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { LockRequest, LockRequester } from '../../activities/deps.ts';
import { acquireLockSignal, lockWorkflowId } from '../../workflows/definitions.ts';

/** Signal-with-start on the (application, environment) lock workflow. */
export class TemporalLockRequester implements LockRequester {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    /** How often a new lock checks that its holder still runs. @default 30 */
    private readonly livenessCheckSeconds = 30,
  ) {}

  async isRunning(workflowId: string): Promise<boolean> {
    try {
      return (await this.client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async request(req: LockRequest): Promise<void> {
    await this.client.workflow.signalWithStart('deploymentLock', {
      workflowId: lockWorkflowId(this.taskQueue, req.application, req.environment),
      taskQueue: this.taskQueue,
      args: [{ holder: undefined, queue: [], livenessCheckSeconds: this.livenessCheckSeconds }],
      signal: acquireLockSignal,
      signalArgs: [{ workflowId: req.workflowId, deploymentId: req.deploymentId }],
    });
  }
}
