import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Forwards the SDK's own logs (worker, core) into our pino logger, so every
 * line is JSON with the same fields. Must run before any connection is made;
 * a second call in one process is a no-op.
 */
export function installTemporalRuntime(logger: Logger, options: { prometheusBindAddress?: string | undefined } = {}): void {
  const sdk = logger.child({ component: 'temporal-sdk' });
  try {
    Runtime.install({
      logger: new DefaultLogger('INFO', (entry) => {
        sdk[levels[entry.level]]({ ...entry.meta }, entry.message);
      }),
      telemetryOptions: {
        logging: { forward: {}, filter: { core: 'WARN', other: 'WARN' } },
        ...(options.prometheusBindAddress ? { metrics: { prometheus: { bindAddress: options.prometheusBindAddress } } } : {}),
      },
    });
  } catch (err) {
    if (!/already/i.test((err as Error).message)) throw err;
  }
}
