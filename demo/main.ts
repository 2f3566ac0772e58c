import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { printUrls, startService } from '../src/app/service.ts';
import { runCli } from '../src/cli/program.ts';
import { VesemirClient } from '../src/client/index.ts';
import { shellLine } from '../src/domain/shell.ts';
import { type DemoApp, demoCliDeps, deployArgs, displayPath, nextSteps } from './commands.ts';
import { startDemoFleet } from './fleet.ts';
import { startDemoProctor } from './proctor.ts';
import { say, Teardown } from './teardown.ts';
import { claimDataDir, claimTempRoot, parseDemoArgs, USAGE } from './workspace.ts';

/**
 * `bash scripts/demo.sh`: a local fleet, a Proctor-compatible job runner and
 * the service on its embedded default configured for them, on a fresh data
 * folder; one real deploy through the CLI, then the next commands to try.
 * Runs until Ctrl-C, which stops all of it and removes every temp dir and key.
 * Lines for people go to stderr; the service's JSON logs to stdout, or to a
 * file in the data folder when stdout is a terminal.
 */
let tempRoot: string | undefined;
// Retries: a start left to die with the process may still be writing there.
const removeTempRoot = () => {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true, maxRetries: 5 });
};
const teardown = new Teardown({ lastResort: removeTempRoot });
teardown.onSignals();

const shown = (path: string) => displayPath(path, process.cwd());

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return say(USAGE);
  const options = parseDemoArgs(process.argv.slice(2));
  const data = claimDataDir(options);
  teardown.add('the data folder claim', data.release);
  const root = claimTempRoot();
  tempRoot = root;
  teardown.add('the temp dirs and keys', removeTempRoot);
  say(`Data folder ${shown(data.dir)}: ${options.keep ? 'kept from the last run (--keep)' : 'fresh (--keep keeps the last run’s)'}`);

  const fleet = await teardown.start('the fleet', startDemoFleet, (f) => f.stop());
  say(`Demo fleet: ${fleet.summary}`);
  const proctor = await teardown.start(
    'the Proctor runner',
    () => startDemoProctor(fleet.createVm, join(root, 'proctor-token'), fleet.decommissionVm),
    (p) => p.stop(),
  );
  const logFile = process.stdout.isTTY ? join(data.dir, 'vesemir.log') : undefined;
  const env = { ...process.env, ...fleet.env, ...proctor.env, VESEMIR_DATA_DIR: data.dir, VESEMIR_ROLE: 'all', TEMPORAL_ADDRESS: '', DATABASE_URL: '' };
  const service = await teardown.start(
    'Vesemir',
    () => startService(env, { logDestination: logFile ? pino.destination(logFile) : undefined }),
    (s) => s.stop(),
  );
  printUrls(service.config, service.apiUrl, service.uiUrl, logFile && `JSON lines in ${shown(logFile)}`);

  const v2 = await fleet.writeDeployFile('v2', data.dir);
  const v3 = await fleet.writeDeployFile('v3', data.dir);
  say('', `Deploying ${fleet.app.name} v2: npx vesemir ${shellLine(deployArgs(service.apiUrl, shown(v2.path)))}`);
  const code = await runCli(deployArgs(service.apiUrl, v2.path), demoCliDeps(teardown.signal));
  if (teardown.signal.aborted) return;
  if (code !== 0) say('The deploy did not succeed (above); the stack keeps running.');
  const first = await firstDeploy(service.apiUrl, fleet.app);
  say(...nextSteps({ apiUrl: service.apiUrl, cwd: process.cwd(), next: v3, from: first, app: fleet.app }));
  await service.done;
  await teardown.exit('The worker stopped: stopping everything the demo started…', 1);
}

/** The deploy the demo just ran (the only one on its fresh data folder; the latest with --keep). */
async function firstDeploy(apiUrl: string, app: DemoApp) {
  const { deployments } = await new VesemirClient({ baseUrl: apiUrl }).listDeployments({ application: app.name, environment: app.environment, limit: 1 });
  const latest = deployments[0];
  return latest && { id: latest.id, version: latest.version };
}

main().catch((err) => teardown.exit(`vesemir demo: ${(err as Error).message}`, 1));
