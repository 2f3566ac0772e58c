import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { expect, inject } from 'vitest';
import type { TokenTable } from '../../src/api/auth.ts';
import { apiFromContext } from '../../src/app/api.ts';
import type { Context } from '../../src/app/context.ts';
import { runWorker, workerFromContext } from '../../src/app/worker.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { Metrics } from '../../src/metrics/registry.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { workflowBundle } from './temporal.ts';
import { openTestContext } from './test-context.ts';

export interface Vesemir {
  config: Config;
  ctx: Context;
  api: FastifyInstance;
  /** Starts (or restarts) the in-process worker. */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Optional parts a test brings its own of; everything else is as in production. */
export interface VesemirOptions {
  /** Serves /metrics and is fed by the API and the worker. */
  metrics?: Metrics;
  /** Replaces the LOG_LEVEL logger, e.g. to capture the JSON lines. */
  logger?: Logger;
  /** Turns auth on. */
  tokens?: TokenTable;
  /** TEMPORAL_METRICS_BIND_ADDRESS of the process's Runtime, appended to /metrics. */
  sdkMetricsBindAddress?: string;
}

/**
 * Vesemir in the test process, configured for a fleet: the API (driven with
 * `inject`), an in-process worker with the real activities, the run's shared
 * Temporal dev server, and PGlite or the given DATABASE_URL.
 */
export async function startVesemir(fleet: Fleet, extraEnv: Record<string, string> = {}, options: VesemirOptions = {}): Promise<Vesemir> {
  const address = inject('temporalAddress');
  const config = loadConfig({
    ...fleet.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `it-${randomUUID()}`,
    VESEMIR_DATA_DIR: join(fleet.dir, 'data'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...extraEnv,
  });
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const ctx = await openTestContext(config, logger, address);
  const { metrics, tokens, sdkMetricsBindAddress } = options;
  const api = await apiFromContext(ctx, { apiUrl: 'http://vesemir.test', temporalUiUrl: 'http://temporal-ui.test', metrics, tokens, sdkMetricsBindAddress });
  let worker: { worker: Worker; run: Promise<void> } | undefined;

  const stopWorker = async () => {
    if (!worker) return;
    const { worker: w, run } = worker;
    worker = undefined;
    if (w.getState() === 'RUNNING') w.shutdown();
    await run;
  };
  return {
    config,
    ctx,
    api,
    async startWorker() {
      await stopWorker();
      const w = await workerFromContext(ctx, { metrics, workflowBundle: await workflowBundle() });
      const { run, ready } = runWorker(ctx, w);
      worker = { worker: w, run };
      await ready;
    },
    stopWorker,
    async close() {
      await stopWorker();
      await api.close();
      await ctx.close();
    },
  };
}

/** Polls GET /v1/deployments/:id until the status is terminal. */
export async function waitForDeployment(api: FastifyInstance, id: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.inject({ method: 'GET', url: `/v1/deployments/${id}` });
    const body = res.json();
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`deployment ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One API call through `inject` that must succeed (2xx): its JSON. */
export async function apiCall(api: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await api.inject({ method, url, ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}
