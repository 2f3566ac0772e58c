import type { CliDeps, CliOutput } from '../../../src/cli/io.ts';
import { runCli } from '../../../src/cli/program.ts';

export function captureOutput(isTTY = false): CliOutput & { text: string } {
  const out = {
    text: '',
    isTTY,
    columns: 120,
    rows: 40,
    write(s: string) {
      out.text += s;
    },
  };
  return out;
}

/** Runs the CLI in this process, with captured output and a fast poll; tests point it at a real API (support/real-api.ts). */
export async function run(argv: string[], options: { env?: Record<string, string>; tty?: boolean; deps?: Partial<CliDeps> } = {}) {
  const stdout = captureOutput(options.tty);
  const stderr = captureOutput(options.tty);
  const code = await runCli(argv, {
    env: options.env ?? {},
    stdout,
    stderr,
    replay: async () => {
      throw new Error('replay not expected in this test');
    },
    pollMs: 10,
    frameMs: 5,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    ...options.deps,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
