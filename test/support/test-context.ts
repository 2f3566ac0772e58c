import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { type Context, openContext } from '../../src/app/context.ts';
import type { Config } from '../../src/config.ts';

/**
 * openContext for a test: a PGlite database that does not exist yet starts as
 * a copy of the run's migrated template (test/support/global-setup.ts)
 * instead of an initdb and every migration, some 3 s of CPU per test file.
 * A data folder that has a database keeps it (a restart reopens it); the
 * store's own tests and the product's process tests create theirs from nothing.
 */
export function openTestContext(config: Config, logger: Logger, temporalAddress: string): Promise<Context> {
  const pglite = join(config.VESEMIR_DATA_DIR, 'pglite');
  if (!config.DATABASE_URL && !existsSync(pglite)) cpSync(inject('pgliteTemplate'), pglite, { recursive: true });
  return openContext(config, logger, temporalAddress);
}
