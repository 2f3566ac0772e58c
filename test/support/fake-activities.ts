import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DeployActivities } from '../../src/activities/index.ts';
import { TemporalLockRequester } from '../../src/adapters/temporal/lock-requester.ts';
import { type DeployRequest, deployRequestSchema } from '../../src/domain/deploy-request.ts';
import type { DeployOutcome } from '../../src/domain/deploy-types.ts';
import type { DeploymentStatus, HostStatus } from '../../src/domain/deployment.ts';
import type { Host } from '../../src/domain/ports.ts';
import { deployWorkflowId } from '../../src/workflows/definitions.ts';
import { recordDeploy } from './record-fixture.ts';
import type { TemporalHarness } from './temporal.ts';

export interface FakeWorld {
  hosts: Host[];
  loadBalancers: Host[];
  /** `host:step` pairs that fail (non-retryable), e.g. `vm2:health`; `chef` fails every search (retryable). */
  failing: Set<string>;
  /** Per-host release `current` points at. */
  current: Map<string, string>;
  /** Hosts out of the pool right now, and the most seen at once. */
  drained: Set<string>;
  maxDrained: number;
  calls: string[];
  statuses: DeploymentStatus[];
  hostStatus: Map<string, HostStatus>;
  /** Hosts an operator put in MAINT before the deploy (inspectHost reports them so). */
  maintenance: Set<string>;
}

/**
 * Activities as object literals over an in-memory world: the workflow's
 * orchestration is tested on a real Temporal server without real hosts.
 */
export function fakeActivities(client: Client, taskQueue: string, world: FakeWorld, stepDelayMs = 20): DeployActivities {
  // Checks a lock's holder each second, so a terminated deploy frees its turn fast.
  const lock = new TemporalLockRequester(client, taskQueue, 1);
  const step = async (host: Host, name: string) => {
    world.calls.push(`${host.name}:${name}`);
    await new Promise((r) => setTimeout(r, stepDelayMs));
    if (world.failing.has(`${host.name}:${name}`)) {
      throw ApplicationFailure.nonRetryable(`${name} failed on ${host.name}`, 'RemoteCommandFailed');
    }
  };
  return {
    async verifyArtifact({ url }) {
      if (new URL(url).hostname.endsWith('.invalid'))
        throw ApplicationFailure.retryable(`artifact ${url} could not be fetched: fetch failed (ENOTFOUND)`, 'ArtifactUnavailable');
      return { bytes: 1 };
    },
    async discover({ haproxy }) {
      if (world.failing.has('chef')) throw ApplicationFailure.retryable('Chef answered 502 to a search', 'ChefError');
      // The real one resolves against the applications file; here the request's backend is the scope.
      const [hostQuery, loadBalancerQuery] = ['tags:app\\-shop', 'tags:lb\\-shop'];
      const targets = {
        hostQuery,
        loadBalancerQuery,
        hostScopeQuery: hostQuery,
        loadBalancerScopeQuery: loadBalancerQuery,
        backend: haproxy?.backend ?? 'shop',
      };
      return { hosts: world.hosts, loadBalancers: world.loadBalancers, targets };
    },
    async checkKeptReleases({ targets, loadBalancers, backend }) {
      world.calls.push('checkKeptReleases');
      const gone = targets.filter((t) => world.failing.has(`${t.host.name}:kept`));
      if (gone.length > 0) throw ApplicationFailure.nonRetryable(`the previous release is no longer kept on ${gone[0]!.host.name}`, 'RollbackNotPossible');
      const current = Object.fromEntries(targets.map((t) => [t.host.name, world.current.get(t.host.name)]));
      return { hosts: targets.map((t) => t.host), loadBalancers, backend, current };
    },
    async allocateFleetVms() {
      // This world always has hosts: discover never asks for a fleet (test/integration/lazy-fleet.test.ts covers it).
      throw ApplicationFailure.nonRetryable('no fleet in the fake world', 'InternalError');
    },
    async setDeploymentStatus({ status }) {
      world.statuses.push(status);
    },
    async setHostStatus({ host, status }) {
      world.hostStatus.set(host, status);
    },
    async setHostsSkipped({ hosts }) {
      for (const host of hosts) world.hostStatus.set(host, 'SKIPPED');
    },
    async requestDeployLock(req) {
      await lock.request(req);
    },
    async isDeployRunning({ workflowId }) {
      return lock.isRunning(workflowId);
    },
    async stageRelease(input) {
      await step(input.host, 'stage');
      const previous = world.current.get(input.host.name);
      return { previousVersion: previous === input.version ? undefined : previous };
    },
    async inspectHost(input) {
      await step(input.host, 'inspect');
      const admin = world.maintenance.has(input.host.name) || world.drained.has(input.host.name) ? 'maint' : 'ready';
      return input.loadBalancers.map((lb) => ({ lb: lb.name, admin, weight: 100, initialWeight: 100 }));
    },
    async drainHost(input) {
      world.drained.add(input.host.name);
      world.maxDrained = Math.max(world.maxDrained, world.drained.size);
      await step(input.host, input.rollback ? 'rollback-drain' : 'drain');
    },
    async activateRelease(input) {
      await step(input.host, input.rollback ? 'rollback-activate' : 'activate');
      world.current.set(input.host.name, input.version);
    },
    async restartService(input) {
      await step(input.host, input.rollback ? 'rollback-restart' : 'restart');
    },
    async waitHealthy(input) {
      await step(input.host, input.rollback ? 'rollback-health' : 'health');
    },
    async enableHost(input) {
      await step(input.host, input.step);
      world.drained.delete(input.host.name);
      return input.loadBalancers.map((lb) => ({ lb: lb.name, weight: input.weight, fullWeight: 100, raisedToMinimum: false }));
    },
    async restoreHost(input) {
      await step(input.host, 'rollback-enable');
      if (input.found?.every((f) => f.admin === 'ready') ?? true) world.drained.delete(input.host.name);
    },
    async pruneReleases() {
      return [];
    },
  };
}

export function newWorld(hostCount: number): FakeWorld {
  const hosts = Array.from({ length: hostCount }, (_, i) => ({ name: `vm${i + 1}`, address: `127.0.0.${i + 10}` }));
  return {
    hosts,
    loadBalancers: [{ name: 'lb1', address: '127.0.0.2' }],
    failing: new Set(),
    current: new Map(hosts.map((h) => [h.name, 'v1'])),
    drained: new Set(),
    maxDrained: 0,
    calls: [],
    statuses: [],
    hostStatus: new Map(),
    maintenance: new Set(),
  };
}

/** A valid deploy request for the in-memory fleet of these fakes. */
export function fakeDeployRequest(overrides: Record<string, unknown> = {}): DeployRequest {
  return deployRequestSchema.parse({
    application: 'shop',
    environment: 'production',
    team: 'payments',
    version: 'v2',
    artifact: { url: 'http://127.0.0.1:1/shop-v2.tar.gz', sha256: 'a'.repeat(64) },
    chef: { tags: ['app-shop'] },
    haproxy: { backend: 'shop', chefTags: ['lb-shop'], weight: 50 },
    healthCheck: { port: 8000 },
    ...overrides,
  });
}

/**
 * Runs one deploy on the harness with a worker over `world`'s fakes: `during`
 * steers it while it runs, `fixture` records its histories (see record-fixture.ts).
 */
export async function runFakeDeploy(
  t: TemporalHarness,
  world: FakeWorld,
  req: DeployRequest,
  options: { during?: (handle: WorkflowHandle) => Promise<void>; fixture?: string; historyEventsPerRun?: number } = {},
): Promise<{ outcome: DeployOutcome; handle: WorkflowHandle }> {
  const { stop } = await t.startWorker(fakeActivities(t.client, t.taskQueue, world));
  try {
    const id = `d-${randomUUID()}`;
    const handle = await t.client.workflow.start('deploy', {
      workflowId: deployWorkflowId(id),
      taskQueue: t.taskQueue,
      args: [{ deploymentId: id, request: req, ...(options.historyEventsPerRun ? { historyEventsPerRun: options.historyEventsPerRun } : {}) }],
    });
    await options.during?.(handle);
    const outcome = (await handle.result()) as DeployOutcome;
    if (options.fixture) await recordDeploy(t.client, id, options.fixture);
    return { outcome, handle };
  } finally {
    await stop();
  }
}
