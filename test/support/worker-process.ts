import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowBundle } from './temporal.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

let bundlePath: Promise<string> | undefined;

/** The test file's workflow bundle, written once to a temp file for worker processes. */
function bundleFile(): Promise<string> {
  bundlePath ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vesemir-bundle-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'workflows.js');
    writeFileSync(path, (await workflowBundle()).code);
    return path;
  })();
  return bundlePath;
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown, no heartbeat, activities cut mid-step. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `src/app/worker-process.ts` as a real OS process (node --import tsx: one process,
 * so a SIGKILL really kills the worker), configured by `env`.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/worker-process.ts'], {
    cwd: root,
    // A prebuilt bundle: restarts take a second instead of a webpack run.
    env: { VESEMIR_WORKFLOW_BUNDLE: await bundleFile(), ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('worker running')) {
    if (child.exitCode !== null) throw new Error(`worker exited at start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { child, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
