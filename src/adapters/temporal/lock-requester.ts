import { type Client, WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { LockRequest, LockRequester } from '../../activities/deps.ts';
import {
  acquireLockSignal,
  type LockState,
  type LockTurnAnswer,
  lockStateQuery,
  lockWorkflowId,
  releaseLockSignal,
  takeTurnUpdate,
} from '../../workflows/definitions.ts';

/** A lock's state answers from its worker's cache within milliseconds; a GET does not wait longer than this for it. */
const STATE_QUERY_DEADLINE_MS = 1000;

/** The (application, environment) lock workflow, started on first use. */
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

  /** The deploy's own request: signal-with-start, a no-op for a deploy whose turn is already taken. */
  async request(req: LockRequest): Promise<void> {
    await this.client.workflow.signalWithStart('deploymentLock', {
      ...this.startOptions(req),
      signal: acquireLockSignal,
      signalArgs: [{ workflowId: req.workflowId, deploymentId: req.deploymentId }],
    });
  }

  /** Takes a turn before the deploy starts; with `queue: false` the lock answers busy instead of queueing. */
  async takeTurn(req: LockRequest & { queue: boolean }): Promise<LockTurnAnswer> {
    return await this.client.workflow.executeUpdateWithStart(takeTurnUpdate, {
      args: [{ workflowId: req.workflowId, deploymentId: req.deploymentId, queue: req.queue }],
      startWorkflowOperation: new WithStartWorkflowOperation('deploymentLock', {
        ...this.startOptions(req),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      }),
    });
  }

  /** Gives back a turn taken for a deploy that could not be started. */
  async release(req: LockRequest): Promise<void> {
    await this.client.workflow
      .getHandle(lockWorkflowId(this.taskQueue, req.application, req.environment))
      .signal(releaseLockSignal, { workflowId: req.workflowId });
  }

  /** The lock's holder and queue, by a query: read-only, nothing enters its history. Undefined when no lock runs. */
  async state(application: string, environment: string): Promise<LockState | undefined> {
    const handle = this.client.workflow.getHandle(lockWorkflowId(this.taskQueue, application, environment));
    try {
      return await this.client.withDeadline(Date.now() + STATE_QUERY_DEADLINE_MS, () => handle.query(lockStateQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  private startOptions(req: LockRequest) {
    const initial: LockState = { holder: undefined, queue: [], livenessCheckSeconds: this.livenessCheckSeconds };
    return {
      workflowId: lockWorkflowId(this.taskQueue, req.application, req.environment),
      taskQueue: this.taskQueue,
      args: [initial] as [LockState],
    };
  }
}
