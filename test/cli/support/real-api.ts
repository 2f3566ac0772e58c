import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { stringify } from 'yaml';
import { createActivities } from '../../../src/activities/index.ts';
import { hashToken, loadTokens, type TokenTable } from '../../../src/api/auth.ts';
import { activityDepsFromConfig } from '../../../src/app/adapters.ts';
import { apiFromContext } from '../../../src/app/api.ts';
import type { Context } from '../../../src/app/context.ts';
import { type DeployRequest, VesemirClient } from '../../../src/client/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { workflowBundle } from '../../support/temporal.ts';
import { openTestContext } from '../../support/test-context.ts';
import { DeploymentWriter } from './states.ts';

export const API_URL = 'http://vesemir.test';
export const UI_URL = 'http://temporal-ui.test';

export interface RealApi {
  /** http://127.0.0.1:PORT: the real API listening. */
  url: string;
  ctx: Context;
  api: FastifyInstance;
  /** The typed client on `url`, for setting up what a test reads. */
  client: VesemirClient;
  /** The Temporal UI link the API gives a workflow. */
  uiLink(workflowId: string): string;
  /** POSTs a deploy and waits until its workflow has its turn and has written RUNNING: later deploys of its environment queue behind it. */
  holdTurn(environment: string, version?: string): Promise<string>;
  /** The deploy holding `environment`'s turn: started by holdTurn on first use. */
  heldBy(environment: string): Promise<string>;
  /** A new deploy (`environment`'s turn held first, so it stays QUEUED in Temporal) and a writer of its states. */
  queued(environment: string, overrides?: Partial<DeployRequest>): Promise<DeploymentWriter>;
  close(): Promise<void>;
}

export interface RealApiOptions {
  /**
   * `bookkeeping` (the default): the worker runs the workflows and their local
   * activities (database writes, the lock request) and polls no regular
   * activity. A deploy that has its turn then waits at its first Chef search
   * (for START_CHECKS_BOUND, 90 s, longer than a file runs), so nothing but
   * the test writes its hosts and steps; one that waits in the queue waits
   * for real. `all`: every activity runs, against the peers in `env`.
   */
  activities?: 'bookkeeping' | 'all';
  /** Extra configuration (Chef, Proctor…). */
  env?: Record<string, string>;
  /** Extra top-level sections of the applications file (e.g. `provisioning`). */
  appsFile?: Record<string, unknown>;
  /** Turns auth on: this bearer token is the payments team's (named `payments-ci`), the only one known. */
  token?: string;
}

/** shop, of team payments, in a few environments: each has its own lock (its own queue), so tests of one file keep out of each other's. */
export const ENVIRONMENTS = ['production', 'staging', 'qa', 'dev'];

const shop = {
  team: 'payments',
  environments: ENVIRONMENTS,
  chef: { tags: ['app-shop'] },
  haproxy: { backends: ['shop'], lbChefTags: ['lb-shop'] },
  installDir: '/opt/shop',
  restartCommand: ['/usr/local/bin/shop-service', 'restart'],
  keepReleases: 3,
};

/** A valid deploy of shop; a POST of it starts a real deploy workflow. */
export function deployBody(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    application: 'shop',
    environment: 'production',
    team: 'payments',
    version: 'v2',
    artifact: { url: 'https://artifacts.example.com/shop-v2.tar.gz', sha256: 'a'.repeat(64) },
    concurrency: 1,
    healthCheck: { port: 8000 },
    ...overrides,
  } as DeployRequest;
}

/**
 * The real Vesemir API of one test file on 127.0.0.1:0: the Fastify app of
 * src/app/api.ts with its real services, the real store (PGlite in a temp
 * dir, the real migrations), the run's shared Temporal dev server on a task
 * queue of its own, and a worker for it (see RealApiOptions.activities).
 */
export async function startRealApi(options: RealApiOptions = {}): Promise<RealApi> {
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-cli-'));
  const appsFile = join(dir, 'applications.yaml');
  writeFileSync(appsFile, stringify({ applications: { shop }, ...options.appsFile }));
  const address = inject('temporalAddress');
  const config = loadConfig({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `cli-${randomUUID()}`,
    VESEMIR_DATA_DIR: join(dir, 'data'),
    VESEMIR_APPS_FILE: appsFile,
    VESEMIR_WORKER_VERSIONING: 'off',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  // The bundle (≈1 s) and the database (PGlite's start, the migrations) come up side by side.
  const [ctx, bundle] = await Promise.all([openTestContext(config, createLogger(config.LOG_LEVEL), address), workflowBundle()]);
  let tokens: TokenTable | undefined;
  if (options.token) {
    const tokensFile = join(dir, 'tokens.yaml');
    writeFileSync(tokensFile, stringify({ tokens: [{ name: 'payments-ci', team: 'payments', sha256: hashToken(options.token) }] }));
    tokens = loadTokens(tokensFile);
  }
  const api = await apiFromContext(ctx, { apiUrl: API_URL, temporalUiUrl: UI_URL, tokens });
  const worker = await Worker.create({
    connection: ctx.native,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(activityDepsFromConfig(ctx)),
    workflowBundle: bundle,
    enableNonLocalActivities: options.activities === 'all',
    shutdownGraceTime: '1s',
  });
  const running = worker.run();
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  const client = new VesemirClient({ baseUrl: url, token: options.token });
  const holders = new Map<string, Promise<string>>();
  const holdTurn = async (environment: string, version = 'v1') => {
    const { id } = await client.deploy(deployBody({ environment, version }));
    const deadline = Date.now() + 20_000;
    while ((await ctx.store.getDeployment(id))?.status !== 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`deployment ${id} never got its turn`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    holders.set(environment, Promise.resolve(id));
    return id;
  };
  const heldBy = (environment: string) => {
    if (!holders.has(environment)) holders.set(environment, holdTurn(environment));
    return holders.get(environment)!;
  };
  return {
    url,
    ctx,
    api,
    client,
    uiLink: (workflowId) => `${UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${workflowId}`,
    holdTurn,
    heldBy,
    async queued(environment, overrides = {}) {
      await heldBy(environment);
      const { id } = await client.deploy(deployBody({ environment, ...overrides }));
      return new DeploymentWriter(ctx.store, id);
    },
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await api.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
