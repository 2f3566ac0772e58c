import { type ChildProcess, spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { dieWithParent } from './die-with-parent.ts';
import { DEV_SERVER_SEARCH_ATTRIBUTE_ARGS } from './search-attributes.ts';

export interface DevServerOptions {
  cliPath: string;
  /** @default '127.0.0.1' */
  ip?: string;
  port: number;
  /** Web UI port; `undefined` runs headless. */
  uiPort?: number | undefined;
  /** SQLite file: the server's state survives restarts on the same file. */
  dbFile?: string | undefined;
  /** @default 'default' */
  namespace?: string;
  /** @default 30_000 */
  readyTimeoutMs?: number;
  onOutput?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The history service reads new transfer tasks (a workflow task after an
 * activity completes, an activity without eager dispatch, a child start) at
 * most `MaxPollRPS` times a second per shard; the default of 20 puts a 50 ms
 * wait on every step of a sequential workflow, ~0.5 s per host deploy on the
 * single-shard dev server. Raised here; the compose file's dynamic config does
 * the same, and docs/configuration.md (Production settings) says so for a real cluster.
 */
export const LATENCY_DYNAMIC_CONFIG: Record<string, number> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
};

/**
 * How soon a worker version that is no longer current shows as drained
 * (`temporal worker deployment describe-version`): the server checks every
 * few minutes by default, which leaves an operator waiting long after its
 * last run ended (docs/operating.md, "Upgrading Vesemir").
 */
export const VERSION_DRAINAGE_DYNAMIC_CONFIG: Record<string, string> = {
  'matching.wv.VersionDrainageStatusRefreshInterval': '5s',
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '5s',
};

/** Spawns `temporal server start-dev` and waits until its frontend answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port)];
  args.push('--namespace', options.namespace ?? 'default', '--log-level', 'warn');
  args.push(...DEV_SERVER_SEARCH_ATTRIBUTE_ARGS);
  for (const [key, value] of Object.entries(LATENCY_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${value}`);
  for (const [key, value] of Object.entries(VERSION_DRAINAGE_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', ip);
  else args.push('--headless');

  // The embedded server lives and dies with the process that started it. In a
  // process group of its own, a Ctrl-C on the terminal reaches only that
  // process, which stops the worker before the server: a server gone first
  // leaves the worker retrying its last completions for some 10 s.
  const child = spawn(...dieWithParent(options.cliPath, args), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-8192);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const address = `${ip}:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilServing(address, options.readyTimeoutMs ?? 30_000, () => child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`temporal dev server did not start on ${address}: ${(err as Error).message}\n${output}`);
  }
  const uiUrl = options.uiPort ? `http://${ip}:${options.uiPort}` : undefined;
  return { address, uiUrl, process: child, stop };
}

/** Polls a Temporal frontend until it answers GetSystemInfo; `hasExited` stops the wait when the server process died. */
export async function waitUntilServing(address: string, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('process exited');
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`not ready after ${timeoutMs} ms (${String(lastError)})`);
}
