import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { installTemporalRuntime } from '../temporal/runtime.ts';
import { openContext } from './context.ts';
import { runWorker, workerFromContext } from './worker.ts';

/**
 * A bare worker on its own (tests kill it with SIGKILL). Needs TEMPORAL_ADDRESS.
 * It serves no HTTP; for containers use `VESEMIR_ROLE=worker tsx src/app/main.ts`,
 * which adds /healthz and /metrics.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { role: 'worker' });
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set (the worker does not start a server)');
  installTemporalRuntime(logger, { prometheusBindAddress: config.TEMPORAL_METRICS_BIND_ADDRESS });
  const ctx = await openContext(config, logger, config.TEMPORAL_ADDRESS);
  const worker = await workerFromContext(ctx);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  const { run, ready } = runWorker(ctx, worker);
  // Said once the version is registered (and current, if it is to be): deploys started now reach it.
  await ready.catch(() => undefined);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  await run;
  await ctx.close();
}

main().catch((err) => {
  process.stderr.write(`vesemir worker: ${(err as Error).message}\n`);
  process.exit(1);
});
