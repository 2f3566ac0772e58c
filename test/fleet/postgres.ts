import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dieWithParent } from '../../src/temporal/die-with-parent.ts';
import { requireExecutable } from '../support/peers.ts';
import { freePort, waitFor } from './net.ts';

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/vesemir` (trust auth, no password). */
  url: string;
  /** Fast shutdown, waits for the server to exit, removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const VERSIONS = ['17', '16', '15', '14', '13'];
const binary = (name: string) => requireExecutable(name, [...VERSIONS.map((v) => `/usr/lib/postgresql/${v}/bin/${name}`), `/usr/bin/${name}`]);

/** Postgres refuses to run as root: when we are root, its processes run as `postgres`. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A throwaway Postgres server on loopback, tuned for speed over durability. */
export async function startPostgres(): Promise<RunningPostgres> {
  const postgres = binary('postgres');
  const initdb = binary('initdb');
  const user = runAs();
  // Short path: the socket lives here too and unix socket paths are limited to ~107 bytes.
  const root = mkdtempSync(join(tmpdir(), 'vpg-'));
  if (user) chownSync(root, user.uid, user.gid);
  const dataDir = join(root, 'data');
  const asUser = { ...user, env: { ...process.env, LC_ALL: 'C' } };

  try {
    execFileSync(initdb, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...asUser,
      stdio: 'pipe',
    });
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr || String(err)}`);
  }

  const port = await freePort('127.0.0.1');
  const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=50'];
  const child = spawn(...dieWithParent(postgres, ['-D', dataDir, '-k', root, '-h', '127.0.0.1', '-p', String(port), ...settings.flatMap((s) => ['-c', s])]), {
    ...asUser,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keepLog = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8192);
  };
  child.stdout?.on('data', keepLog);
  child.stderr?.on('data', keepLog);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      keepLog(Buffer.from(String(err)));
      resolve();
    });
  });
  // Last resort if the test process dies without running afterAll.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    await shutdown(child, exited);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const earlyExit = exited.then(() => {
      throw new Error(`postgres exited during startup:\n${log}`);
    });
    earlyExit.catch(() => undefined); // once running, exiting is stop()'s business
    await Promise.race([waitFor('postgres to accept connections', () => canConnect(adminUrl), 30_000), earlyExit]);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE vesemir');
    } finally {
      await admin.end();
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/vesemir`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SIGINT is Postgres' fast shutdown (disconnects clients); SIGKILL if it hangs. */
async function shutdown(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
