import {
  CancellationScope,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { DeployOutcome, DeployProgress, DeployWorkflowInput, HostResult } from '../domain/deploy-types.ts';
import { hostQuery, loadBalancerQuery } from '../domain/deploy-request.ts';
import type { DeploymentStatus } from '../domain/deployment.ts';
import type { Host } from '../domain/ports.ts';
import { DeployStatus } from '../temporal/search-attributes.ts';
import { artifactFetch, bookkeeping, quickRpc } from './activity-options.ts';
import { deployHost, describe } from './deploy-host.ts';
import { hostWorkflowId, lockGrantedSignal, lockWorkflowId, progressQuery, releaseLockSignal } from './definitions.ts';

const db = proxyActivities<Activities>(bookkeeping);
const rpc = proxyActivities<Activities>(quickRpc);
const fetcher = proxyActivities<Activities>(artifactFetch);

/**
 * A deployment: wait for the (application, environment) lock, check the
 * artifact, discover the hosts once, then roll them out in a sliding window
 * of `concurrency`, one child workflow per host, within the failure budget.
 */
export async function deploy(input: DeployWorkflowInput): Promise<DeployOutcome> {
  const { deploymentId, request } = input;
  const workflowId = workflowInfo().workflowId;
  const progress: DeployProgress = { deploymentId, status: 'QUEUED', hosts: [] };
  let granted = false;
  setHandler(progressQuery, () => progress);
  setHandler(lockGrantedSignal, () => {
    granted = true;
  });

  const setStatus = async (status: DeploymentStatus, error?: string) => {
    progress.status = status;
    upsertSearchAttributes([{ key: DeployStatus, value: status }]);
    await db.setDeploymentStatus({ deploymentId, status, error });
  };

  const lock = { application: request.application, environment: request.environment, workflowId, deploymentId };
  let outcome: DeployOutcome = { status: 'FAILED', hosts: [] };
  try {
    await db.requestDeployLock(lock);
    await condition(() => granted);
    await setStatus('RUNNING');
    await fetcher.verifyArtifact(request.artifact);
    const { hosts, loadBalancers } = await rpc.discover({
      deploymentId,
      hostQuery: hostQuery(request),
      loadBalancerQuery: loadBalancerQuery(request),
    });
    progress.hosts = hosts.map((h) => ({ name: h.name, status: 'PENDING' }));
    const results = await rollOut(input, hosts, loadBalancers, progress);
    const failed = results.filter((r) => r.status !== 'DONE');
    outcome = {
      status: failed.length === 0 && results.length === hosts.length ? 'SUCCEEDED' : 'FAILED',
      hosts: results,
      error: failed.length > 0 ? failed.map((r) => `${r.name} ${r.status}: ${r.error ?? ''}`).join('; ') : undefined,
    };
  } catch (err) {
    outcome = { ...outcome, status: 'FAILED', error: describe(err) };
  } finally {
    await CancellationScope.nonCancellable(async () => {
      await setStatus(outcome.status, outcome.error);
      if (granted) await getExternalWorkflowHandle(lockWorkflowId(lock.application, lock.environment)).signal(releaseLockSignal, { workflowId });
    });
  }
  return outcome;
}

/** The sliding window: at most `concurrency` hosts at once; no new host once the budget is spent. */
async function rollOut(
  input: DeployWorkflowInput,
  hosts: Host[],
  loadBalancers: Host[],
  progress: DeployProgress,
): Promise<HostResult[]> {
  const { request, deploymentId } = input;
  const pending = [...hosts];
  const running = new Map<string, Promise<HostResult>>();
  const results: HostResult[] = [];
  let failures = 0;
  const parent = workflowInfo().workflowId;
  const mark = (name: string, status: DeployProgress['hosts'][number]['status'], error?: string) => {
    const row = progress.hosts.find((h) => h.name === name);
    if (row) Object.assign(row, { status, error });
  };

  const start = (host: Host): Promise<HostResult> => {
    mark(host.name, 'RUNNING');
    return executeChild(deployHost, {
      workflowId: hostWorkflowId(parent, host.name),
      args: [
        {
          deploymentId,
          application: request.application,
          version: request.version,
          artifact: request.artifact,
          host,
          loadBalancers,
          backend: request.haproxy.backend,
          weight: request.haproxy.weight,
          degradationSeconds: request.haproxy.degradationSeconds,
          healthCheck: request.healthCheck,
        },
      ],
    }).catch((err): HostResult => ({ name: host.name, status: 'FAILED', error: describe(err) }));
  };

  while (pending.length > 0 || running.size > 0) {
    while (running.size < request.concurrency && pending.length > 0 && failures <= request.maxFailedHosts) {
      const host = pending.shift()!;
      running.set(host.name, start(host));
    }
    if (running.size === 0) break;
    const done = await Promise.race(running.values());
    running.delete(done.name);
    results.push(done);
    mark(done.name, done.status, done.error);
    if (done.status !== 'DONE') failures++;
  }
  for (const host of pending) {
    mark(host.name, 'SKIPPED');
    await db.setHostStatus({ deploymentId, host: host.name, status: 'SKIPPED', error: 'failure budget spent' });
  }
  return results;
}
