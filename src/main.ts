import { createActivities } from './activities/index.ts';
import { buildApp, linkBuilder } from './api/app.ts';
import { DeploymentService } from './api/deployment-service.ts';
import { type Config, loadConfig } from './config.ts';
import { openContext } from './context.ts';
import { temporalEndpoint } from './embedded-temporal.ts';
import { createLogger } from './logger.ts';
import { installTemporalRuntime } from './temporal/runtime.ts';
import { createWorker } from './worker.ts';
import { activityDepsFromConfig } from './wiring.ts';

/**
 * All in one process: Temporal (embedded dev server unless TEMPORAL_ADDRESS),
 * the database (PGlite unless DATABASE_URL), the worker and the API.
 * `--demo` first brings up a local fake fleet and deploys to it.
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
  const logger = createLogger(config.LOG_LEVEL);
  installTemporalRuntime(logger);

  const temporal = await temporalEndpoint(config, logger);
  cleanups.push(temporal.stop);
  const ctx = await openContext(config, logger, temporal.address);
  cleanups.push(ctx.close);
  const worker = await createWorker({
    connection: ctx.native,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(activityDepsFromConfig(ctx)),
  });
  const workerRun = worker.run();

  const apiUrl = config.API_PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
  const uiUrl = temporal.uiUrl ?? 'http://localhost:8233';
  const deployments = new DeploymentService({ store: ctx.store, client: ctx.client, taskQueue: config.TEMPORAL_TASK_QUEUE, applications: ctx.applications });
  const app = await buildApp({ logger, store: ctx.store, deployments, links: linkBuilder(apiUrl, uiUrl, config.TEMPORAL_NAMESPACE) });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  printUrls(config, apiUrl, temporal.uiUrl);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    await app.close().catch(() => undefined);
    // The SDK's runtime also reacts to SIGINT/SIGTERM and may be shutting the worker down already.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun.catch(() => undefined);
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
  await workerRun.catch((err) => logger.error({ err }, 'worker failed'));
  await stop();
}

function printUrls(config: Config, apiUrl: string, uiUrl: string | undefined): void {
  process.stdout.write(
    [
      '',
      'Vesemir is running',
      `  API          ${apiUrl}`,
      `  OpenAPI docs ${apiUrl}/docs`,
      `  Temporal UI  ${uiUrl ?? '(external cluster: set TEMPORAL_UI_URL)'}`,
      `  Database     ${config.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.VESEMIR_DATA_DIR}/pglite`}`,
      '',
    ].join('\n'),
  );
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`vesemir: ${(err as Error).message}\n`);
  process.exit(1);
});
