import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const BIN = fileURLToPath(new URL('../../../bin/vesemir.js', import.meta.url));

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the real `vesemir` bin in a real terminal: a detached tmux session of
 * 160x40 on its own server socket. `screens()` are the pane's text captured
 * every `everyMs` until the command exits (each one handed to `onScreen`);
 * `exitCode` is its status.
 */
export async function runInTmux(
  args: string[],
  options: {
    dir: string;
    env: Record<string, string>;
    everyMs?: number;
    timeoutMs?: number;
    /** Sees each screen as it is captured: a test can act on what the terminal shows. */
    onScreen?: (screen: string) => void | Promise<void>;
  },
) {
  const socket = `vesemir-cli-${process.pid}-${Date.now()}`;
  const exitFile = join(options.dir, `${socket}.exit`);
  const env = Object.entries(options.env).map(([k, v]) => `${k}=${quote(v)}`);
  // The pane stays open after the CLI exits (sleep) so its last picture can be captured.
  const line = `env -u NO_COLOR ${env.join(' ')} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo $? > ${quote(exitFile)}; sleep 600`;
  const tmux = (...a: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...a]);
  await tmux('new-session', '-d', '-s', 'cli', '-x', '160', '-y', '40', line);
  const screens: string[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  try {
    for (;;) {
      const done = existsSync(exitFile);
      const screen = (await tmux('capture-pane', '-p', '-t', 'cli')).stdout;
      screens.push(screen);
      await options.onScreen?.(screen);
      if (done) break;
      if (Date.now() > deadline) throw new Error(`vesemir ${args.join(' ')} still running after ${options.timeoutMs} ms:\n${screens.at(-1)}`);
      await new Promise((r) => setTimeout(r, options.everyMs ?? 100));
    }
    return { screens, exitCode: Number(readFileSync(exitFile, 'utf8').trim()) };
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
}

/** Runs the real bin with pipes (not a terminal); answers its exit code and output. */
export function runPiped(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
