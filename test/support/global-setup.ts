import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/adapters/store/db.ts';
import { workflowsPath } from '../../src/app/worker.ts';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server.ts';
import { freePort } from '../fleet/net.ts';

/**
 * What every test file would otherwise make again, made once for the run:
 * - one Temporal dev server (the SDK waits only 5 s for a server, and each
 *   start costs seconds): `inject('temporalAddress')`, each test on its own task queues;
 * - the workflow bundle (a webpack run, ≈2 s of CPU): `inject('workflowBundlePath')`;
 * - a PGlite database with every migration applied, copied by
 *   test/support/test-context.ts: `inject('pgliteTemplate')`.
 */
let server: DevServer | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = mkdtempSync(join(tmpdir(), 'vesemir-temporal-'));
  dir = runDir;
  const bundlePath = join(runDir, 'workflows.js');
  const pgliteTemplate = join(runDir, 'pglite-template');
  const starting = startDevServer({ cliPath: temporalCliPath(), port: await freePort(), dbFile: join(runDir, 'temporal.db') });
  try {
    [server] = await Promise.all([
      starting,
      bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') }).then(({ code }) => writeFileSync(bundlePath, code)),
      openDb({ dataDir: pgliteTemplate }).then((db) => db.close()),
    ]);
  } catch (err) {
    await (await starting.catch(() => undefined))?.stop();
    throw err;
  }
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('pgliteTemplate', pgliteTemplate);
  return async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    pgliteTemplate: string;
  }
}
