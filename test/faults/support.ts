import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createActivities } from '../../src/activities/index.ts';
import { TemporalLockRequester } from '../../src/adapters/temporal/lock-requester.ts';
import { buildApp, linkBuilder } from '../../src/api/app.ts';
import { DeploymentService } from '../../src/api/deployment-service.ts';
import { activityDepsFromConfig, chefFromConfig } from '../../src/app/adapters.ts';
import { type Context, openContext } from '../../src/app/context.ts';
import { createWorker, runWorker, workerVersion } from '../../src/app/worker.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { DeployRequestInput } from '../../src/domain/deploy-request.ts';
import { createLogger } from '../../src/logger.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { pidsWithMountsOf } from '../fleet/namespaces.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { workflowBundle } from '../support/temporal.ts';

/**
 * What the fault tests share. startVesemir (test/support) always talks to the
 * run's shared Temporal server; here the address is a parameter, and the API
 * and the worker each get their own Context, so either can be closed and
 * rebuilt while the other keeps running — as separate processes would.
 */

export function faultConfig(fleet: Fleet, address: string, extraEnv: Record<string, string> = {}): Config {
  return loadConfig({
    ...fleet.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `faults-${randomUUID()}`,
    VESEMIR_DATA_DIR: join(fleet.dir, 'data'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...extraEnv,
  });
}

export interface ApiInstance {
  api: FastifyInstance;
  ctx: Context;
  close(): Promise<void>;
}

/** The API as src/app/service.ts builds it for VESEMIR_ROLE=api: own DB pool, own Temporal client. */
export async function startApi(config: Config): Promise<ApiInstance> {
  const logger = createLogger(config.LOG_LEVEL);
  const ctx = await openContext(config, logger, config.TEMPORAL_ADDRESS!);
  const deployments = new DeploymentService({
    store: ctx.store,
    client: ctx.client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    turns: new TemporalLockRequester(ctx.client, config.TEMPORAL_TASK_QUEUE),
    applications: ctx.applications,
    chef: chefFromConfig(config),
  });
  const links = linkBuilder('http://vesemir.test', 'http://temporal-ui.test', config.TEMPORAL_NAMESPACE);
  const api = await buildApp({ logger, store: ctx.store, deployments, links });
  return {
    api,
    ctx,
    async close() {
      await api.close();
      await ctx.close();
    },
  };
}

export interface InProcessWorker {
  ctx: Context;
  close(): Promise<void>;
}

/**
 * A worker in this process with the real activities, on its own Context or
 * on `shared` (PGlite is one process's database: two Contexts on one PGlite
 * dir do not see each other's writes).
 */
export async function startWorkerIn(config: Config, shared?: Context): Promise<InProcessWorker> {
  const ctx = shared ?? (await openContext(config, createLogger(config.LOG_LEVEL), config.TEMPORAL_ADDRESS!));
  const worker: Worker = await createWorker({
    connection: ctx.native,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ ...activityDepsFromConfig(ctx), healthIntervalMs: 100 }),
    workflowBundle: await workflowBundle(),
    version: workerVersion(config),
  });
  const { run, ready } = runWorker(ctx, worker);
  await ready;
  return {
    ctx,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      if (!shared) await ctx.close();
    },
  };
}

export type Api = FastifyInstance;
export interface HostView {
  name: string;
  status: string;
  error?: string | null;
  steps: { name: string; status: string; attempts: number }[];
}
export interface DeploymentView {
  id: string;
  status: string;
  error?: string | null;
  hosts: HostView[];
}
export interface LogEntry {
  host: string;
  step: string;
  round: number;
  attempt: number;
  status: string;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function postDeploy(api: Api, fleet: Fleet, version: string, overrides: Partial<DeployRequestInput> = {}): Promise<string> {
  const res = await api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, await fleet.release(version), overrides) });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as string;
}

export async function getDeployment(api: Api, id: string): Promise<DeploymentView> {
  const res = await api.inject({ method: 'GET', url: `/v1/deployments/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function getLogs(api: Api, id: string): Promise<LogEntry[]> {
  const res = await api.inject({ method: 'GET', url: `/v1/deployments/${id}/logs` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().steps;
}

/** Polls until the deployment is terminal; `api()` so a test can swap the API instance meanwhile. */
export async function waitTerminal(api: () => Api, id: string, timeoutMs: number): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await getDeployment(api(), id);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.status)) return d;
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} still ${d.status} after ${timeoutMs} ms: ${JSON.stringify(d.hosts.map((h) => [h.name, h.status]))}`);
    await sleep(100);
  }
}

/** Waits until some host of the deployment has a SUCCEEDED record of `step`. */
export async function waitForStep(api: Api, id: string, step: string, host?: string, timeoutMs = 30_000): Promise<void> {
  await expect
    .poll(async () => (await getLogs(api, id)).some((s) => s.step === step && s.status === 'SUCCEEDED' && (!host || s.host === host)), {
      timeout: timeoutMs,
      interval: 25,
    })
    .toBe(true);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const current = async (fleet: Fleet, vm: string) => (await fleet.exec(vm, ['readlink', '/opt/shop/current'])).stdout.trim();

/** Every VM on `version`, every server READY at weight 100 in every HAProxy. */
export async function expectAllOn(fleet: Fleet, version: string, vms = fleet.vms.map((v) => v.name)): Promise<void> {
  for (const vm of vms) expect(await current(fleet, vm), vm).toBe(`releases/${version}`);
  for (const states of await lbStates(fleet)) {
    const byName = new Map(states.map((s) => [s.server, [s.admin, s.weight]]));
    for (const vm of vms) expect(byName.get(vm), vm).toEqual(['ready', 100]);
  }
}

/** The steps a successful host goes through, in order (bake is a timer, not a step record). */
export const STEP_ORDER = ['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full'] as const;

/**
 * Checks a host's step records: each step has a SUCCEEDED attempt, and no
 * attempt of a step started before the first success of the step before it
 * finished (so the first successes come in order, too). Returns what broke.
 */
export function stepOrderViolations(logs: LogEntry[], hosts: string[], order: readonly string[] = STEP_ORDER): string[] {
  const problems: string[] = [];
  for (const host of hosts) {
    const mine = logs.filter((l) => l.host === host);
    const rollback = mine.filter((l) => l.step.startsWith('rollback-'));
    if (rollback.length > 0) problems.push(`${host}: rollback steps ran: ${rollback.map((l) => l.step).join(', ')}`);
    let previousDone: { step: string; at: number } | undefined;
    for (const step of order) {
      const attempts = mine.filter((l) => l.step === step);
      const successes = attempts.filter((l) => l.status === 'SUCCEEDED' && l.finishedAt).map((l) => Date.parse(l.finishedAt!));
      if (successes.length === 0) {
        problems.push(`${host}: ${step} never SUCCEEDED (${attempts.map((a) => `#${a.attempt} ${a.status}`).join(', ') || 'no attempt'})`);
        break;
      }
      if (previousDone) {
        for (const a of attempts) {
          if (Date.parse(a.startedAt) < previousDone.at) {
            problems.push(
              `${host}: ${step} attempt ${a.attempt} started at ${a.startedAt}, before ${previousDone.step} first succeeded at ${new Date(previousDone.at).toISOString()}`,
            );
          }
        }
      }
      previousDone = { step, at: Math.min(...successes) };
    }
  }
  return problems;
}

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same kill times.
 * The seed comes from VESEMIR_FAULT_SEED, else from the clock.
 */
export function faultRandom(): { seed: number; next(): number } {
  const fromEnv = process.env.VESEMIR_FAULT_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  let a = seed;
  return {
    seed,
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * Freezes every process of a box (sshd and its sessions) with SIGSTOP: the
 * kernel still completes TCP handshakes into sshd's backlog, but no SSH banner
 * ever comes — what a hung or partitioned box looks like to a client.
 * Returns the thaw; call it in a finally, a frozen box cannot be stopped.
 */
export function freezeBox(rootDir: string): () => void {
  const pids = pidsWithMountsOf(rootDir);
  if (pids.length === 0) throw new Error(`no process of the box at ${rootDir}`);
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pidsWithMountsOf(rootDir)) {
      try {
        process.kill(pid, sig);
      } catch {
        // exited meanwhile
      }
    }
  };
  signal('SIGSTOP');
  let thawed = false;
  return () => {
    if (thawed) return;
    thawed = true;
    signal('SIGCONT');
  };
}

/** `step: total ms over hosts (attempts)`, for the logs of a run: where the time went. */
export function stepTimings(logs: LogEntry[]): string {
  const total = new Map<string, { ms: number; n: number }>();
  for (const l of logs) {
    if (!l.finishedAt) continue;
    const t = total.get(l.step) ?? { ms: 0, n: 0 };
    t.ms += Date.parse(l.finishedAt) - Date.parse(l.startedAt);
    t.n++;
    total.set(l.step, t);
  }
  return [...total].map(([step, t]) => `${step} ${t.ms} ms/${t.n}`).join(', ');
}
