import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../src/node-options.ts';
import { pidsWithMountsOf } from '../fleet/namespaces.ts';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface DemoRunOptions {
  /** The run's TMPDIR: every temp dir the demo makes lands under it, so the test can look for leftovers. */
  tmp: string;
  dataDir: string;
  /** Receives the service's JSON log lines. */
  stdoutPath: string;
  ports: { api: number; temporal: number; ui: number };
}

export interface DemoRun {
  pid: number;
  /** stderr so far: the lines for people. */
  text(): string;
  /** Resolves with the ms since the start when a stderr line matches `re`; rejects if the demo exits first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<number>;
  /** Ms since the start when the first line matching `re` was printed. */
  at(re: RegExp): number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the demo as `scripts/demo.sh` does after installing its peers (the
 * same node command: test/node-options.test.ts), in a process group of its
 * own so a signal to the group is a terminal's Ctrl-C.
 */
export function startDemo(options: DemoRunOptions): DemoRun {
  const { tmp, dataDir, ports } = options;
  const args = [...SERVICE_NODE_FLAGS, '--import', 'tsx', 'demo/main.ts', '--data-dir', dataDir];
  const env = { ...process.env, TMPDIR: tmp, API_PORT: String(ports.api), TEMPORAL_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui) };
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, env, detached: true, stdio: ['ignore', openSync(options.stdoutPath, 'a'), 'pipe'] });
  const started = Date.now();
  const lines: { at: number; text: string }[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: Date.now() - started, text });
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const wake of waiters) wake();
    }),
  );
  const at = (re: RegExp) => lines.find((l) => re.test(l.text))?.at;
  const waitFor = (re: RegExp, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no line matching ${re} after ${timeoutMs} ms:\n${text()}`)), timeoutMs);
      const check = () => {
        const found = at(re);
        if (found !== undefined) done(undefined, found);
        else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`the demo exited before a line matching ${re}:\n${text()}`));
      };
      const done = (err?: Error, value?: number) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve(value!);
      };
      waiters.add(check);
      check();
    });
  const text = () => lines.map((l) => l.text).join('\n');
  return { pid: child.pid!, text, waitFor, at, exited };
}

/**
 * The demo's processes still alive: any that inherited its TMPDIR (the
 * service, goiardi, HAProxy, the Temporal server) or that mounts a dir under
 * it (the fake VMs' sshd and apps, in their own namespaces).
 */
export function processesOf(tmp: string): { pid: number; command: string }[] {
  const pids = new Set(pidsWithMountsOf(tmp));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.some((v) => v === `TMPDIR=${tmp}` || v.startsWith(`TMPDIR=${tmp}/`))) pids.add(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return [...pids].flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // a zombie is already dead: only its parent's wait is missing
      if (/^\d+ \(.*\) Z /.test(stat)) return [];
      return [{ pid, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() }];
    } catch {
      return [];
    }
  });
}

/** What is left under the run's TMPDIR besides tsx's compile cache: files with a key among them. */
export function leftovers(tmp: string): string[] {
  return readdirSync(tmp)
    .filter((name) => !name.startsWith('tsx-'))
    .map((name) => join(tmp, name));
}
