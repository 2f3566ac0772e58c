import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dieWithParent } from '../../src/temporal/die-with-parent.ts';
import { requireExecutable } from '../support/peers.ts';
import { ChefAdminClient } from './chef-admin.ts';
import { freePort, waitFor } from './net.ts';

export interface Goiardi {
  /** Base URL; goiardi speaks the Chef 11 paths, so no API prefix. */
  url: string;
  adminName: string;
  adminKeyPem: string;
  /** A client signed as the admin, for registering nodes and clients. */
  admin: ChefAdminClient;
  /** Kills goiardi, waits for it to exit and removes its temp dir. */
  stop(): Promise<void>;
}

const ADMIN_NAME = 'admin';

/** Starts an in-memory goiardi with authentication on, on a free loopback port. */
export async function startGoiardi(): Promise<Goiardi> {
  const binary = requireExecutable('goiardi', ['/usr/bin/goiardi', '/usr/local/bin/goiardi', '/usr/sbin/goiardi']);
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-goiardi-'));
  const port = await freePort('127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const keyPath = join(dir, 'admin.pem');

  const child = spawn(...dieWithParent(binary, ['-A', '-I', '127.0.0.1', '-P', String(port), '-H', '127.0.0.1', `--conf-root=${dir}`, '-g', 'info']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keepTail = (chunk: Buffer): void => {
    // the tail is enough to explain a failed start
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    await killAndWait(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // rejects as soon as goiardi dies, so a broken start fails at once
    const exitedEarly = exited.then(() => {
      throw new Error(`goiardi exited (${child.exitCode ?? child.signalCode})`);
    });
    await Promise.race([
      exitedEarly,
      waitFor(
        `goiardi on ${url}`,
        async () => {
          if (!existsSync(keyPath)) return false;
          // 401 = up, with authentication on
          const answer = await fetch(`${url}/nodes`, { signal: AbortSignal.timeout(1_000) });
          return answer.status === 401;
        },
        20_000,
      ),
    ]);
  } catch (error) {
    await stop();
    throw new Error(`goiardi did not start: ${String(error)}; output: ${output}`);
  }

  const adminKeyPem = readFileSync(keyPath, 'utf8');
  const admin = new ChefAdminClient({ serverUrl: url, clientName: ADMIN_NAME, privateKeyPem: adminKeyPem });
  return { url, adminName: ADMIN_NAME, adminKeyPem, admin, stop };
}

async function killAndWait(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
