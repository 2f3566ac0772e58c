import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server.ts';
import { freePort } from '../fleet/net.ts';

/**
 * One Temporal dev server for the whole run (the SDK waits only 5 s for a
 * server, and each start costs seconds): tests reach it through
 * `inject('temporalAddress')` and use their own task queues.
 */
let server: DevServer | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  dir = mkdtempSync(join(tmpdir(), 'vesemir-temporal-'));
  server = await startDevServer({
    cliPath: temporalCliPath(),
    port: await freePort(),
    dbFile: join(dir, 'temporal.db'),
  });
  project.provide('temporalAddress', server.address);
  return async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}
