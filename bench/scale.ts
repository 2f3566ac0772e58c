import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../src/node-options.ts';
import { runBenchChild } from './child.ts';
import type { SlotFigures } from './task-slots.ts';

/** The line bench/scale-child.ts prints its result on. */
export const SCALE_MARKER = 'SCALE_RESULT ';

export interface ScaleResult {
  hosts: number;
  concurrency: number;
  /** POST → the deploy workflow's result. */
  wallMs: number;
  /** The largest of the deploy workflow's runs (it continues as new as its history fills). */
  parentHistoryEvents: number;
  /** How many runs the deploy workflow took. */
  parentRuns: number;
  /** The deploy workflow's result (every host's result and the snapshot), JSON. */
  resultKb: number;
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

/** The line bench/concurrent-child.ts prints its result on. */
export const CONCURRENT_MARKER = 'CONCURRENT_RESULT ';

export interface ConcurrentResult {
  apps: number;
  hostsPerApp: number;
  concurrency: number;
  succeeded: number;
  /** The first few deploys that did not succeed, with why. */
  failures: string[];
  /** The first POST → the last deploy's result. */
  totalMs: number;
  /** Each deploy's POST → its result. */
  deployMs: number[];
  /** Per host, a step's recorded start − the previous step's recorded end (no-op steps: all of it is orchestration). */
  stepGaps: number;
  stepGapP50Ms: number;
  stepGapP99Ms: number;
  peakRssMb: number;
  /** Per worker type, from the SDK's temporal_worker_task_slots_available. */
  taskSlots: Record<string, SlotFigures>;
  database: 'postgres' | 'pglite';
}

/** How long a no-op deploy of `hosts` hosts may take before the bench gives up on it. */
export const scaleTimeoutMs = (hosts: number) => 120_000 + hosts * 600;

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
  return runChild<ScaleResult>([...args, ...(o.databaseUrl ? ['--database-url', o.databaseUrl] : [])], scaleTimeoutMs(o.hosts) + 120_000);
}

const CONCURRENT_CHILD = fileURLToPath(new URL('./concurrent-child.ts', import.meta.url));

/** `apps` deploys of `hostsPerApp` hosts each, all at once, on one worker in a process of its own. */
export function runConcurrent(o: Omit<ScaleOptions, 'hosts'> & { apps: number; hostsPerApp: number }): Promise<ConcurrentResult> {
  const args = ['--address', o.address, '--apps', String(o.apps), '--hosts-per-app', String(o.hostsPerApp), '--concurrency', String(o.concurrency)];
  return runBenchChild<ConcurrentResult>(CONCURRENT_CHILD, [...args, '--bundle', o.bundlePath, ...(o.databaseUrl ? ['--database-url', o.databaseUrl] : [])], {
    marker: CONCURRENT_MARKER,
    timeoutMs: scaleTimeoutMs(o.apps * o.hostsPerApp) + 120_000,
    what: 'concurrent deploys bench',
    nodeFlags: SERVICE_NODE_FLAGS,
  });
}

/** What an in-memory PGlite adds to a process's RSS, measured in a fresh process. */
export function probePglite(): Promise<number> {
  return runChild<number>(['--pglite-probe'], 60_000);
}
