import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { loadTokens } from '../api/auth.ts';
import { type Config, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics/registry.ts';
import { startMetricsServer } from '../metrics/server.ts';
import { installTemporalRuntime } from '../temporal/runtime.ts';
import { apiFromContext } from './api.ts';
import { openContext } from './context.ts';
import { temporalEndpoint } from './temporal-endpoint.ts';
import { runWorker, workerFromContext } from './worker.ts';

export interface RunningService {
  config: Config;
  logger: Logger;
  apiUrl: string;
  /** The embedded Temporal UI, or undefined on an external cluster. */
  uiUrl: string | undefined;
  /** Settles when the worker ends (fatal error or shutdown); never for an API alone. */
  done: Promise<void>;
  /** Closes HTTP, stops the worker, then Temporal and the database; idempotent. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Where the JSON log lines go (the demo's log file on a terminal). @default stdout */
  logDestination?: DestinationStream | undefined;
}

/**
 * The Vesemir service of VESEMIR_ROLE: `all` (default) runs everything in one
 * process — Temporal (embedded dev server unless TEMPORAL_ADDRESS), the
 * database (PGlite unless DATABASE_URL), the worker and the API; `api` and
 * `worker` split them for docker-compose and real deployments, and a worker
 * serves /healthz and /metrics on API_HOST:API_PORT.
 */
export async function startService(env: NodeJS.ProcessEnv, options: ServiceOptions = {}): Promise<RunningService> {
  const config = loadConfig(env);
  const role = config.VESEMIR_ROLE;
  const logger = createLogger(config.LOG_LEVEL, role === 'all' ? {} : { role }, options.logDestination);
  // Signals are the caller's (main.ts, the demo): stop() closes HTTP before the
  // worker, since a request in flight (a deploy taking its turn) waits on the worker.
  installTemporalRuntime(logger, { prometheusBindAddress: config.TEMPORAL_METRICS_BIND_ADDRESS, shutdownSignals: [] });
  const metrics = createMetrics();
  const sdkMetricsBindAddress = config.TEMPORAL_METRICS_BIND_ADDRESS;
  const tokens = role !== 'worker' && config.VESEMIR_TOKENS_FILE ? loadTokens(config.VESEMIR_TOKENS_FILE) : undefined;
  if (role !== 'worker' && !tokens) {
    logger.warn('AUTH IS OFF: VESEMIR_TOKENS_FILE is not set, so every API caller is an admin. Set it outside a laptop.');
  }

  const cleanups: (() => Promise<void>)[] = [];
  const temporal = await temporalEndpoint(config, logger);
  cleanups.push(temporal.stop);
  const ctx = await openContext(config, logger, temporal.address);
  cleanups.push(ctx.close);
  const worker: Worker | undefined = role !== 'api' ? await workerFromContext(ctx, { metrics }) : undefined;
  const workerRun = worker ? runWorker(ctx, worker).run : undefined;

  const apiUrl = config.API_PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
  const listen = { host: config.API_HOST, port: config.API_PORT };
  let closeHttp: () => Promise<void>;
  if (role === 'worker') {
    const server = await startMetricsServer(metrics, listen, { sdkBindAddress: sdkMetricsBindAddress, healthy: () => worker?.getState() === 'RUNNING' });
    closeHttp = server.close;
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: `${server.url}/metrics` }, 'worker running');
  } else {
    const app = await apiFromContext(ctx, { apiUrl, temporalUiUrl: temporal.uiUrl ?? 'http://localhost:8233', tokens, metrics, sdkMetricsBindAddress });
    await app.listen(listen);
    closeHttp = () => closeApi(app);
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('stopping');
      await closeHttp().catch(() => undefined);
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await workerRun?.catch(() => undefined);
      for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => logger.warn({ err }, 'cleanup failed'));
    })();
    return stopping;
  };
  const done = workerRun ? workerRun.catch((err) => logger.error({ err }, 'worker failed')) : new Promise<void>(() => {});
  return { config, logger, apiUrl, uiUrl: temporal.uiUrl, done, stop };
}

/**
 * Closes the API once its requests in flight are answered (for at most
 * `graceMs`). Fastify's close() alone waits for every connection to end, and
 * a keep-alive connection busy when it began (the CLI following a deploy, a
 * scraper) then stays open for as long as its client lives.
 */
async function closeApi(app: FastifyInstance, graceMs = 5_000): Promise<void> {
  const idle = setInterval(() => app.server.closeIdleConnections(), 100);
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(idle);
    clearTimeout(cut);
  }
}

/**
 * The URLs a person starts from, on stderr: stdout carries the JSON log
 * lines, which a person redirects or pipes (`npm start > vesemir.log`).
 */
export function printUrls(config: Config, apiUrl: string, uiUrl: string | undefined, logs = 'JSON lines on stdout'): void {
  process.stderr.write(
    [
      '',
      `Vesemir is running (${config.VESEMIR_ROLE === 'all' ? 'API and worker' : 'API only'})`,
      `  API          ${apiUrl}`,
      `  OpenAPI docs ${apiUrl}/docs`,
      `  Metrics      ${apiUrl}/metrics`,
      `  Temporal UI  ${uiUrl ?? '(external cluster: set TEMPORAL_UI_URL)'}`,
      `  Database     ${config.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.VESEMIR_DATA_DIR}/pglite`}`,
      `  Auth         ${config.VESEMIR_TOKENS_FILE ? `bearer tokens from ${config.VESEMIR_TOKENS_FILE}` : 'OFF (set VESEMIR_TOKENS_FILE)'}`,
      `  Logs         ${logs}`,
      '',
    ].join('\n'),
  );
}
