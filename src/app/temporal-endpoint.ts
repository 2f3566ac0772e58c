import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { temporalCliPath } from '../temporal/binaries.ts';
import { startDevServer } from '../temporal/dev-server.ts';

export interface TemporalEndpoint {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * TEMPORAL_ADDRESS when set; otherwise a local `temporal server start-dev`
 * with its SQLite file and the Web UI, kept under the data folder so deploy
 * histories survive a restart.
 */
export async function temporalEndpoint(config: Config, logger: Logger): Promise<TemporalEndpoint> {
  if (config.TEMPORAL_ADDRESS) {
    return { address: config.TEMPORAL_ADDRESS, uiUrl: config.TEMPORAL_UI_URL, stop: async () => undefined };
  }
  mkdirSync(config.VESEMIR_DATA_DIR, { recursive: true });
  const server = await startDevServer({
    cliPath: temporalCliPath({ ...process.env, ...(config.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: config.TEMPORAL_CLI_PATH } : {}) }),
    port: config.TEMPORAL_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: join(config.VESEMIR_DATA_DIR, 'temporal.db'),
    namespace: config.TEMPORAL_NAMESPACE,
  });
  logger.info({ address: server.address, ui: server.uiUrl }, 'embedded Temporal dev server started');
  return { address: server.address, uiUrl: config.TEMPORAL_UI_URL ?? server.uiUrl, stop: server.stop };
}
