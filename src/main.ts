import type { Worker } from '@temporalio/worker';
import { loadTokens } from './api/auth.ts';
import { type Config, loadConfig } from './config.ts';
import { openContext } from './context.ts';
import { temporalEndpoint } from './embedded-temporal.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/registry.ts';
import { startMetricsServer } from './metrics/server.ts';
import { apiFromContext, runWorker, workerFromContext } from './services.ts';
import { installTemporalRuntime } from './temporal/runtime.ts';

/**
 * VESEMIR_ROLE=all (default): everything in one process — Temporal (embedded
 * dev server unless TEMPORAL_ADDRESS), the database (PGlite unless
 * DATABASE_URL), the worker and the API. `api` and `worker` split them for
 * docker-compose and real deployments; a worker serves /healthz and /metrics
 * on API_HOST:API_PORT. `--demo` first brings up a local fake fleet and deploys to it.
 */
async function main(argv: string[]): Promise<void> {
  const demo = argv.includes('--demo');
  const cleanups: (() => Promise<void>)[] = [];
  let env = process.env;
  if (demo) {
    const { startDemoFleet } = await import('./demo.ts');
    const fleet = await startDemoFleet();
    cleanups.push(fleet.stop);
    env = { ...fleet.env, ...process.env };
  }
  const config = loadConfig(env);
  const role = config.VESEMIR_ROLE;
  const logger = createLogger(config.LOG_LEVEL, role === 'all' ? {} : { role });
  installTemporalRuntime(logger, { prometheusBindAddress: config.TEMPORAL_METRICS_BIND_ADDRESS });
  const metrics = createMetrics();
  const sdkMetricsBindAddress = config.TEMPORAL_METRICS_BIND_ADDRESS;
  const tokens = role !== 'worker' && config.VESEMIR_TOKENS_FILE ? loadTokens(config.VESEMIR_TOKENS_FILE) : undefined;
  if (role !== 'worker' && !tokens) {
    logger.warn('AUTH IS OFF: VESEMIR_TOKENS_FILE is not set, so every API caller is an admin. Set it outside a laptop.');
  }

  const temporal = await temporalEndpoint(config, logger);
  cleanups.push(temporal.stop);
  const ctx = await openContext(config, logger, temporal.address);
  cleanups.push(ctx.close);
  let worker: Worker | undefined;
  if (role !== 'api') {
    worker = await workerFromContext(ctx, { metrics });
  }
  const workerRun = worker ? runWorker(ctx, worker).run : undefined;

  const apiUrl = config.API_PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
  const listen = { host: config.API_HOST, port: config.API_PORT };
  let closeHttp: () => Promise<void>;
  if (role === 'worker') {
    const server = await startMetricsServer(metrics, listen, { sdkBindAddress: sdkMetricsBindAddress, healthy: () => worker?.getState() === 'RUNNING' });
    closeHttp = server.close;
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: `${server.url}/metrics` }, 'worker running');
  } else {
    const uiUrl = temporal.uiUrl ?? 'http://localhost:8233';
    const app = await apiFromContext(ctx, { apiUrl, temporalUiUrl: uiUrl, tokens, metrics, sdkMetricsBindAddress });
    await app.listen(listen);
    closeHttp = () => app.close();
    printUrls(config, apiUrl, temporal.uiUrl);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    await closeHttp().catch(() => undefined);
    // The SDK's runtime also reacts to SIGINT/SIGTERM and may be shutting the worker down already.
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => logger.warn({ err }, 'cleanup failed'));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (demo) {
    const { runDemoDeploy } = await import('./demo.ts');
    await runDemoDeploy(apiUrl).catch((err) => logger.error({ err }, 'demo deploy failed'));
    process.stdout.write('\nThe stack keeps running: open the URLs above. Ctrl-C stops everything.\n');
  }
  // An API alone runs until a signal; a worker's end (fatal error or shutdown) ends the process.
  if (!workerRun) return;
  await workerRun.catch((err) => logger.error({ err }, 'worker failed'));
  await stop();
}

function printUrls(config: Config, apiUrl: string, uiUrl: string | undefined): void {
  process.stdout.write(
    [
      '',
      `Vesemir is running (${config.VESEMIR_ROLE === 'all' ? 'API and worker' : 'API only'})`,
      `  API          ${apiUrl}`,
      `  OpenAPI docs ${apiUrl}/docs`,
      `  Metrics      ${apiUrl}/metrics`,
      `  Temporal UI  ${uiUrl ?? '(external cluster: set TEMPORAL_UI_URL)'}`,
      `  Database     ${config.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.VESEMIR_DATA_DIR}/pglite`}`,
      `  Auth         ${config.VESEMIR_TOKENS_FILE ? `bearer tokens from ${config.VESEMIR_TOKENS_FILE}` : 'OFF (set VESEMIR_TOKENS_FILE)'}`,
      '',
    ].join('\n'),
  );
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`vesemir: ${(err as Error).message}\n`);
  process.exit(1);
});
