import { setHandler } from '@temporalio/workflow';
import type { ControlAnswer, DeployProgress, RolloutControl } from '../domain/deploy-types.ts';
import type { DeploymentStatus } from '../domain/deployment.ts';
import { approveUpdate, cancelUpdate, pauseUpdate, resumeUpdate, retryUpdate } from './definitions.ts';
import { isFailure, type RolloutContext } from './rollout.ts';

interface ControlsInput {
  deploymentId: string;
  progress: DeployProgress;
  control: RolloutControl;
  setStatus(status: DeploymentStatus): Promise<void>;
  rollout(): RolloutContext | undefined;
}

/**
 * The operators' controls as updates with validators: a control that does not
 * apply now (approve without a canary gate, resume when not paused, anything
 * once the deploy is finishing) is rejected before it enters the history.
 */
export function installControls(c: ControlsInput) {
  let finishing = false;
  let waitingApproval = false;
  const answer = (message: string): ControlAnswer => ({ deploymentId: c.deploymentId, status: c.progress.status, message });
  const mustBeActive = () => {
    if (finishing) throw new Error(`deployment ${c.deploymentId} is finishing (${c.progress.status}); nothing to control`);
    if (c.control.cancel) throw new Error(`deployment ${c.deploymentId} is being cancelled`);
  };
  const running = () => (waitingApproval ? 'WAITING_APPROVAL' : c.control.paused ? 'PAUSED' : 'RUNNING');
  // Before the lock is granted the deploy is QUEUED: the status changes when it starts. While it
  // creates its fleet it stays PROVISIONING; the fleet phase then ends in PAUSED or RUNNING.
  const update = async () => {
    if (c.progress.status !== 'QUEUED' && c.progress.status !== 'PROVISIONING') await c.setStatus(running());
  };

  setHandler(
    pauseUpdate,
    async () => {
      c.control.paused = true;
      await update();
      return answer('paused: no new host starts; hosts in flight finish their steps');
    },
    { validator: mustBeActive },
  );
  setHandler(
    resumeUpdate,
    async () => {
      c.control.paused = false;
      await update();
      return answer('resumed');
    },
    {
      validator: () => {
        mustBeActive();
        if (!c.control.paused) throw new Error(`deployment ${c.deploymentId} is not paused`);
      },
    },
  );
  setHandler(
    cancelUpdate,
    async ({ rollback }) => {
      c.control.cancel = { rollback: rollback === true };
      return answer(
        rollback
          ? 'cancelling: no new host starts, hosts in flight stop and are put back, then the done hosts are rolled back'
          : 'cancelling: no new host starts, hosts in flight stop and are put back as found',
      );
    },
    { validator: (_request: { rollback?: boolean }) => mustBeActive() },
  );
  setHandler(
    approveUpdate,
    async () => {
      c.control.approved = true;
      return answer('approved: the rollout continues after the canary');
    },
    {
      validator: () => {
        mustBeActive();
        if (!waitingApproval) throw new Error(`deployment ${c.deploymentId} is not waiting for approval`);
      },
    },
  );
  setHandler(
    retryUpdate,
    async () => {
      const ctx = c.rollout()!;
      const failed = [...ctx.results.values()].filter(isFailure);
      for (const r of failed) {
        // The first round's record wins: a host this deploy left drained is no operator's maintenance.
        ctx.foundBefore ??= new Map();
        if (r.lbFound && !ctx.foundBefore.has(r.name)) ctx.foundBefore.set(r.name, r.lbFound);
        ctx.results.delete(r.name);
        ctx.rounds.set(r.name, (ctx.rounds.get(r.name) ?? ctx.round) + 1);
        ctx.control.retryQueue.push(r.name);
        const row = c.progress.hosts.find((h) => h.name === r.name);
        if (row) Object.assign(row, { status: 'PENDING', error: undefined });
      }
      return answer(`retrying ${failed.map((r) => r.name).join(', ')}`);
    },
    {
      validator: () => {
        mustBeActive();
        const ctx = c.rollout();
        if (!ctx || ![...ctx.results.values()].some(isFailure)) {
          throw new Error(`deployment ${c.deploymentId} has no failed host to retry`);
        }
      },
    },
  );

  return {
    async onGate(waiting: boolean) {
      waitingApproval = waiting;
      await c.setStatus(running());
    },
    finishing() {
      finishing = true;
    },
  };
}
