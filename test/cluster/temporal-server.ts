import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntilServing } from '../../src/temporal/dev-server.ts';
import { dieWithParent } from '../../src/temporal/die-with-parent.ts';
import { freePort } from '../fleet/net.ts';
import { requireExecutable } from '../support/peers.ts';

/**
 * Temporal's real server (built from its Go module by scripts/install-gotools.sh)
 * on a Postgres of the test's: schemas applied by temporal-sql-tool, services
 * started from deploy/temporal/config.yaml with ports chosen free now.
 * A missing binary is a failure, never a skip: `.ci/run` builds them.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const tools = join(root, '.tools/go/temporal');
export const CONFIG_FILE = join(root, 'deploy/temporal/config.yaml');
export const DYNAMIC_CONFIG_FILE = join(root, 'deploy/temporal/dynamicconfig.yaml');
const run = promisify(execFile);

export const serverBinary = () => requireExecutable('temporal-server (scripts/install-gotools.sh)', [join(tools, 'server')]);
const sqlTool = () => requireExecutable('temporal-sql-tool (scripts/install-gotools.sh)', [join(tools, 'sql')]);

/** The schema dirs install-gotools.sh copied from the server's module, and the version they are of. */
export function schemaDir(): { version: string; dir: string } {
  const stamp = join(tools, 'schema/VERSION');
  if (!existsSync(stamp)) throw new Error(`${stamp} missing: run scripts/install-gotools.sh`);
  return { version: readFileSync(stamp, 'utf8').trim(), dir: join(tools, 'schema/postgresql/v12') };
}

export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function endpointOf(url: string): PostgresEndpoint {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

export const SETUP_SCHEMA_SCRIPT = join(root, 'deploy/temporal/setup-schema.sh');

/** deploy/temporal/setup-schema.sh (the compose stack's too) with the tools install-gotools.sh built. */
export async function setupSchemas(pg: PostgresEndpoint): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    SQL_TOOL: sqlTool(),
    SCHEMA_DIR: schemaDir().dir,
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  };
  const { stdout, stderr } = await run('/bin/sh', [SETUP_SCHEMA_SCRIPT], { env, timeout: 120_000 });
  return stdout + stderr;
}

export type Service = 'frontend' | 'history' | 'matching' | 'worker';

/** The template's variables: Postgres, and a free port for each listener of each service. */
export async function serverEnv(pg: PostgresEndpoint): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PWD: pg.password,
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
    LOG_LEVEL: 'warn',
    // The test Postgres allows 50 clients (test/fleet/postgres.ts) for both
    // server processes, three Vesemir pools and the schema tool; each server
    // process would otherwise keep up to 30 of its own.
    SQL_MAX_CONNS: '8',
    SQL_MAX_IDLE_CONNS: '4',
    SQL_VIS_MAX_CONNS: '3',
    SQL_VIS_MAX_IDLE_CONNS: '2',
  };
  for (const key of [
    'FRONTEND_GRPC_PORT',
    'FRONTEND_HTTP_PORT',
    'FRONTEND_MEMBERSHIP_PORT',
    'HISTORY_GRPC_PORT',
    'HISTORY_MEMBERSHIP_PORT',
    'MATCHING_GRPC_PORT',
    'MATCHING_MEMBERSHIP_PORT',
    'WORKER_GRPC_PORT',
    'WORKER_MEMBERSHIP_PORT',
  ]) {
    // Each pick is free when made, but not held: two picks could name one port.
    let port: number;
    do port = await freePort();
    while (Object.values(env).includes(String(port)));
    env[key] = String(port);
  }
  return env;
}

/**
 * What a server process said that explains its end: its fatal and error lines
 * first (the first one holds the cause; the stack trace after it is long),
 * then the end of its output.
 */
export function whyItEnded(output: string): string {
  const errors = output.split('\n').filter((line) => /"level":"(fatal|error|dpanic|panic)"|^(panic|Unable|unable)/.test(line));
  return [...errors.map((line) => line.slice(0, 1500)), '…', output.slice(-1500)].join('\n');
}

/** A process that ended because a port it was to listen on was taken (by a peer of a test running alongside). */
export const lostAPort = (output: string) => /address already in use/.test(output);

export interface ServerProcess {
  services: Service[];
  child: ChildProcess;
  output(): string;
  /** SIGTERM (graceful), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** `temporal-server --config-file deploy/temporal/config.yaml --allow-no-auth start --service …`. */
export function startServerProcess(env: Record<string, string>, services: Service[]): ServerProcess {
  const args = ['--config-file', CONFIG_FILE, '--allow-no-auth', 'start', ...services.flatMap((s) => ['--service', s])];
  const child = spawn(...dieWithParent(serverBinary(), args), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    services,
    child,
    output: () => output,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Until the frontend answers and `namespace` is registered (a new cluster has none until created). */
export async function waitForFrontend(address: string, processes: ServerProcess[], timeoutMs = 60_000): Promise<void> {
  await waitUntilServing(address, timeoutMs, () => {
    exitedOne(processes);
    return false;
  }).catch((err: Error) => {
    throw new Error(`temporal frontend ${address}: ${err.message}:\n${processes.map((p) => whyItEnded(p.output())).join('\n')}`);
  });
}

const exitedOne = (processes: ServerProcess[]) => {
  const dead = processes.find((p) => p.child.exitCode !== null);
  if (dead) throw new Error(`temporal-server (${dead.services.join(', ')}) exited ${dead.child.exitCode}:\n${whyItEnded(dead.output())}`);
};

/** Until 127.0.0.1:`port` accepts a connection (a service listens once its start-up is done). */
export async function waitForPort(port: number, processes: ServerProcess[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  while (!(await accepts())) {
    exitedOne(processes);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
