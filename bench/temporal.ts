import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { workflowsPath } from '../src/app/worker.ts';
import { createLogger } from '../src/logger.ts';
import { temporalCliPath } from '../src/temporal/binaries.ts';
import { type DevServer, startDevServer } from '../src/temporal/dev-server.ts';
import { installTemporalRuntime } from '../src/temporal/runtime.ts';
import { freePort } from '../test/fleet/net.ts';

/**
 * The bench's own Temporal dev server (in-memory SQLite, headless, free
 * port): the real server the product runs on, started once for the run.
 */
export async function startBenchTemporal(): Promise<DevServer> {
  // Before any connection; only the SDK's errors reach the terminal.
  installTemporalRuntime(createLogger('error'));
  return startDevServer({ cliPath: temporalCliPath(), port: await freePort() });
}

/** Bundled once (≈1 s) and shared by every worker of the process. */
export function benchBundle(): Promise<WorkflowBundle> {
  const quiet = () => undefined;
  return bundleWorkflowCode({
    workflowsPath,
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => process.stderr.write(`${m}\n`) },
  });
}
