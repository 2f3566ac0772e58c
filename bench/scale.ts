import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../src/node-options.ts';
import { runBenchChild } from './child.ts';

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
  /** Where the peak went, sampled every 100 ms: V8's heap (reserved), and memory outside it (buffers, native). */
  peakHeapTotalMb: number;
  peakExternalMb: number;
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

/** bench/scale-child.ts, in a process of its own with the service's node flags. */
const SCALE_CHILD = fileURLToPath(new URL('./scale-child.ts', import.meta.url));
const runChild = <T>(args: string[], timeoutMs: number) =>
  runBenchChild<T>(SCALE_CHILD, args, { marker: SCALE_MARKER, timeoutMs, what: 'scale bench', nodeFlags: SERVICE_NODE_FLAGS });

export function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const args = ['--address', o.address, '--hosts', String(o.hosts), '--concurrency', String(o.concurrency), '--bundle', o.bundlePath];
  return runChild<ScaleResult>([...args, ...(o.databaseUrl ? ['--database-url', o.databaseUrl] : [])], 480_000);
}

/** What an in-memory PGlite adds to a process's RSS, measured in a fresh process. */
export function probePglite(): Promise<number> {
  return runChild<number>(['--pglite-probe'], 60_000);
}
