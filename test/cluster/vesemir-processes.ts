import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort } from '../fleet/net.ts';

/**
 * Vesemir as users run it on a cluster: `src/app/main.ts` with VESEMIR_ROLE=api
 * or =worker, each its own OS process (node --import tsx, no wrapper, so the
 * child's pid is the worker's: Temporal's identity `pid@host` names it).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface VesemirProcess {
  role: 'api' | 'worker';
  child: ChildProcess;
  /** http://127.0.0.1:<API_PORT>: the API, or a worker's /healthz and /metrics. */
  url: string;
  output(): string;
  /** SIGKILL: no shutdown, activities cut mid-step. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the process and waits until it serves: the API's /healthz answers, or
 * a worker logged that its Worker Deployment version is current (deploys
 * started from then on reach it).
 */
export async function startVesemirProcess(role: 'api' | 'worker', env: Record<string, string>, timeoutMs = 60_000): Promise<VesemirProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      VESEMIR_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      ...env,
      VESEMIR_ROLE: role,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-40_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const signal = async (sig: NodeJS.Signals) => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const serving = async () =>
    role === 'worker'
      ? output.includes('worker version is current')
      : await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
  const deadline = Date.now() + timeoutMs;
  while (!(await serving())) {
    if (child.exitCode !== null) throw new Error(`vesemir ${role} exited ${child.exitCode} at start:\n${output}`);
    if (Date.now() > deadline) {
      await signal('SIGKILL');
      throw new Error(`vesemir ${role} not serving after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { role, child, url, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
