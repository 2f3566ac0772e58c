import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The line bench/scale-child.ts prints its result on. */
export const SCALE_MARKER = 'SCALE_RESULT ';

export interface ScaleResult {
  hosts: number;
  concurrency: number;
  /** POST → the deploy workflow's result. */
  wallMs: number;
  parentHistoryEvents: number;
  largestHostHistoryEvents: number;
  lockHistoryEvents: number;
  /** VmHWM of the all-in-one process (worker + API + PGlite) after the deploy. */
  peakRssMb: number;
  /** RSS once started, before the deploy. */
  baselineRssMb: number;
  database: 'postgres' | 'pglite';
}

export interface ScaleOptions {
  address: string;
  hosts: number;
  concurrency: number;
  /** Prebuilt workflow bundle file, as a deployment ships it. */
  bundlePath: string;
  databaseUrl?: string | undefined;
}

export function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const args = ['--address', o.address, '--hosts', String(o.hosts), '--concurrency', String(o.concurrency), '--bundle', o.bundlePath];
  return runChild<ScaleResult>([...args, ...(o.databaseUrl ? ['--database-url', o.databaseUrl] : [])], 480_000);
}

/** What an in-memory PGlite adds to a process's RSS, measured in a fresh process. */
export function probePglite(): Promise<number> {
  return runChild<number>(['--pglite-probe'], 60_000);
}

/** Runs bench/scale-child.ts in its own node process (tsx as a loader, so node is the only process). */
function runChild<T>(args: string[], timeoutMs: number): Promise<T> {
  const script = fileURLToPath(new URL('./scale-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-8192);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(SCALE_MARKER));
      if (code === 0 && line) resolve(JSON.parse(line.slice(SCALE_MARKER.length)) as T);
      else reject(new Error(`scale bench exited ${code ?? signal}:\n${stderr}`));
    });
  });
}
