import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../../src/node-options.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Killed {
  /** The process and every descendant it had at the kill (the embedded Temporal server among them), by pid and name. */
  processes: { pid: number; name: string }[];
  /** Those of `processes` still alive 10 s after the kill (none, unless a child outlives its parent); killed then. */
  survivors: number[];
}

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL to its process group: no shutdown, no heartbeat, activities cut mid-step. */
  kill(): Promise<Killed>;
  stop(): Promise<void>;
}

/** A bare worker (`src/app/worker-process.ts`), configured by `env`; needs TEMPORAL_ADDRESS. */
export function startWorkerProcess(env: Record<string, string>): Promise<ServiceProcess> {
  return startServiceProcess('src/app/worker-process.ts', 'worker running', env);
}

/** The product as `npm start` runs it (`src/app/main.ts`, VESEMIR_ROLE=all unless `env` says otherwise). */
export function startProduct(env: Record<string, string>): Promise<ServiceProcess> {
  return startServiceProcess('src/app/main.ts', 'Vesemir is running', env);
}

/**
 * `entry` as a real OS process with the service's node flags (node --import
 * tsx, as the Dockerfile: one process, so a SIGKILL really kills it), leading
 * a process group of its own; ready once its output shows `readyLine`.
 */
async function startServiceProcess(entry: string, readyLine: string, env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', entry], {
    cwd: root,
    // A prebuilt bundle: restarts take a second instead of a webpack run.
    env: { VESEMIR_WORKFLOW_BUNDLE: inject('workflowBundlePath'), ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let ready = false;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    ready ||= output.includes(readyLine);
    output = output.slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const kill = async (): Promise<Killed> => {
    const pids = [child.pid!, ...descendants(child.pid!)];
    const processes = pids.map((pid) => ({ pid, name: procStat(pid)?.name ?? '?' }));
    if (running()) process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const deadline = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const survivors = pids.filter(alive);
    // Reported, then ended: a failed test leaves nothing holding its ports.
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    return { processes, survivors };
  };
  const deadline = Date.now() + 90_000;
  while (!ready) {
    const failure = !running() ? 'exited at start' : Date.now() > deadline ? 'did not start' : undefined;
    if (failure) {
      await kill();
      throw new Error(`${entry} ${failure}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (running()) child.kill('SIGTERM');
    await exited;
  };
  return { child, output: () => output, kill, stop };
}

/** A process's name, state letter and parent from /proc (Linux), or undefined when it is gone. */
function procStat(pid: number): { name: string; state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const end = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(end + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, end), state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** A zombie is dead: its memory, files and ports are released, only its exit status waits to be read. */
const alive = (pid: number) => {
  const state = procStat(pid)?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
};

function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const stat = /^\d+$/.test(name) ? procStat(Number(name)) : undefined;
    if (stat) parents.set(stat.ppid, [...(parents.get(stat.ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const children = parents.get(next) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}
