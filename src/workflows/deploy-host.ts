import { ActivityFailure, ApplicationFailure, CancellationScope, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { DeployHostInput, HostResult, RollbackHostInput } from '../domain/deploy-types.ts';
import type { HostStatus, StepName } from '../domain/deployment.ts';
import { healthWait, localBookkeeping, quickRpc, sshWork } from './activity-options.ts';

const localDb = proxyLocalActivities<Activities>(localBookkeeping);
const lb = proxyActivities<Activities>(quickRpc);
const ssh = proxyActivities<Activities>(sshWork);

/**
 * One host's deploy: stage → drain → activate → restart → health → enable at
 * `weight`% → bake → 100%. A host that fails after its drain is rolled back to
 * its previous release and re-enabled; if even that fails it stays drained and
 * is reported QUARANTINED. It is never left drained without being reported.
 */
export async function deployHost(input: DeployHostInput): Promise<HostResult> {
  const base = { deploymentId: input.deploymentId, application: input.application, host: input.host, version: input.version, round: input.round };
  const lbInput = { ...base, loadBalancers: input.loadBalancers, backend: input.backend };
  const health = proxyActivities<Activities>(healthWait(input.healthCheck.timeoutSeconds));
  const setStatus = (status: HostStatus, error?: string) =>
    localDb.setHostStatus({ deploymentId: input.deploymentId, host: input.host.name, status, error });

  let step: StepName = 'stage';
  let previousVersion: string | undefined;
  let mayBeDrained = false;
  let activated = false;
  let pruning: Promise<unknown> | undefined;
  let result: HostResult;
  try {
    ({ previousVersion } = await alongside(ssh.stageRelease({ ...base, artifact: input.artifact }), setStatus('RUNNING')));
    step = 'drain';
    // Set before the call: a drain that failed half-way may have drained some boxes.
    mayBeDrained = true;
    await lb.drainHost(lbInput);
    step = 'activate';
    activated = true;
    await ssh.activateRelease(base);
    // Off the path to the host's end; the previous release (the rollback target) is kept.
    pruning = prune(base, previousVersion);
    step = 'restart';
    await ssh.restartService(base);
    step = 'health';
    await health.waitHealthy({ ...base, healthCheck: input.healthCheck });
    step = 'enable';
    await lb.enableHost({ ...lbInput, weight: input.weight, step: 'enable' });
    if (input.weight < 100) {
      step = 'bake';
      if (input.degradationSeconds > 0) await sleep(input.degradationSeconds * 1000);
      step = 'full';
      await lb.enableHost({ ...lbInput, weight: 100, step: 'full' });
    }
    result = { name: input.host.name, status: 'DONE', previousVersion, round: input.round };
  } catch (err) {
    const error = `${step}: ${describe(err)}`;
    if (!mayBeDrained) {
      result = { name: input.host.name, status: 'FAILED', failedStep: step, error };
    } else {
      result = await CancellationScope.nonCancellable(() =>
        restore({ base, lbInput, health, previousVersion, activated, input, step, error }),
      );
    }
  }
  await alongside(CancellationScope.nonCancellable(() => setStatus(result.status, result.error)), pruning ?? Promise.resolve());
  return result;
}

/** Deletes releases older than the previous one; best effort, a failure never fails the host. */
function prune(base: RestoreArgs['base'], previousVersion: string | undefined): Promise<unknown> {
  return ssh.pruneReleases({ ...base, previousVersion }).catch(() => undefined);
}

/**
 * Waits for all and returns `main`'s result; the `sides` (work started in
 * the same workflow task) have to succeed too, and the first failure in
 * argument order is thrown. Waiting for all keeps their order against what
 * comes next: a RUNNING status never lands after FAILED.
 */
export async function alongside<T>(main: Promise<T>, ...sides: Promise<unknown>[]): Promise<T> {
  const [mainOutcome, ...sideOutcomes] = await Promise.allSettled([main, ...sides]);
  for (const outcome of [mainOutcome, ...sideOutcomes]) if (outcome!.status === 'rejected') throw outcome!.reason;
  return (mainOutcome as PromiseFulfilledResult<T>).value;
}

interface RestoreArgs {
  base: { deploymentId: string; application: string; host: DeployHostInput['host']; version: string; round: number | undefined };
  lbInput: RestoreArgs['base'] & { loadBalancers: DeployHostInput['loadBalancers']; backend: string };
  health: ReturnType<typeof proxyActivities<Activities>>;
  previousVersion: string | undefined;
  activated: boolean;
  input: DeployHostInput;
  step: StepName;
  error: string;
}

/** Puts a drained host back into service on its previous release, or quarantines it. */
async function restore(a: RestoreArgs): Promise<HostResult> {
  const name = a.input.host.name;
  try {
    if (a.activated) {
      if (!a.previousVersion) throw ApplicationFailure.nonRetryable('no previous release to roll back to', 'NoPreviousRelease');
      const back = { ...a.base, version: a.previousVersion, rollback: true };
      await ssh.activateRelease(back);
      await ssh.restartService(back);
      await a.health.waitHealthy({ ...back, healthCheck: a.input.healthCheck });
    }
    await lb.enableHost({ ...a.lbInput, weight: 100, step: 'rollback-enable' });
    return { name, status: a.activated ? 'ROLLED_BACK' : 'FAILED', failedStep: a.step, error: a.error };
  } catch (rollbackErr) {
    return {
      name,
      status: 'QUARANTINED',
      failedStep: a.step,
      error: `${a.error}; left drained: rollback failed: ${describe(rollbackErr)}`,
    };
  }
}

/** Rolls a DONE host back to the release it had before (cancel with rollback, automatic rollback). */
export async function rollbackHost(input: RollbackHostInput): Promise<HostResult> {
  const base = { deploymentId: input.deploymentId, application: input.application, host: input.host, version: input.previousVersion, round: input.round, rollback: true };
  const lbInput = { ...base, loadBalancers: input.loadBalancers, backend: input.backend };
  const health = proxyActivities<Activities>(healthWait(input.healthCheck.timeoutSeconds));
  let result: HostResult;
  try {
    await lb.drainHost(lbInput);
    await ssh.activateRelease(base);
    await ssh.restartService(base);
    await health.waitHealthy({ ...base, healthCheck: input.healthCheck });
    await lb.enableHost({ ...lbInput, weight: 100, step: 'rollback-enable' });
    result = { name: input.host.name, status: 'ROLLED_BACK', round: input.round, error: `rolled back to ${input.previousVersion}` };
  } catch (err) {
    result = { name: input.host.name, status: 'QUARANTINED', round: input.round, error: `rollback to ${input.previousVersion} failed, left drained: ${describe(err)}` };
  }
  await localDb.setHostStatus({ deploymentId: input.deploymentId, host: input.host.name, status: result.status, error: result.error });
  return result;
}

export function describe(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
