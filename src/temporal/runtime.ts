import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The SDK's threshold follows our logger's, so LOG_LEVEL=debug shows its "Activity completed" lines too. */
function sdkLevel(level: string): LogLevel {
  if (level === 'trace' || level === 'debug') return level.toUpperCase() as LogLevel;
  return level === 'info' ? 'INFO' : level === 'warn' ? 'WARN' : 'ERROR';
}

export interface RuntimeOptions {
  /** Where the SDK's Prometheus exporter listens. @default off */
  prometheusBindAddress?: string | undefined;
  /**
   * Signals on which the SDK shuts every worker down by itself. A process that
   * stops in an order of its own (HTTP first, then the worker: a request in
   * flight may wait on the worker) passes `[]` and handles them.
   * @default the SDK's: SIGINT, SIGTERM, SIGQUIT, SIGUSR2
   */
  shutdownSignals?: NodeJS.Signals[] | undefined;
}

/**
 * Forwards the SDK's own logs (worker, core) into our pino logger, so every
 * line is JSON with the same fields (activity lines also get the deployment,
 * host and step: see metrics/activity-interceptor.ts), and starts the SDK's
 * Prometheus exporter on `prometheusBindAddress`. Must run before any
 * connection is made; a second call in one process is a no-op (false).
 */
export function installTemporalRuntime(logger: Logger, options: RuntimeOptions = {}): boolean {
  const sdk = logger.child({ component: 'temporal-sdk' });
  try {
    Runtime.install({
      logger: new DefaultLogger(sdkLevel(logger.level), (entry) => {
        // pino serializes errors only under `err`; the SDK puts them under `error`.
        const { error, ...meta } = entry.meta ?? {};
        sdk[levels[entry.level]](error instanceof Error ? { ...meta, err: error } : { ...entry.meta }, entry.message);
      }),
      telemetryOptions: {
        logging: { forward: {}, filter: { core: 'WARN', other: 'WARN' } },
        ...(options.prometheusBindAddress ? { metrics: { prometheus: { bindAddress: options.prometheusBindAddress } } } : {}),
      },
      ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    });
    return true;
  } catch (err) {
    if (!/already/i.test((err as Error).message)) throw err;
    return false;
  }
}
