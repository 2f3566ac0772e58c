import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireExecutable } from '../support/peers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Installed by scripts/install-pytools.sh (pip --target), so it needs its folder on PYTHONPATH. */
const toolDir = join(root, '.tools/schemathesis');
export const CONFIG_FILE = fileURLToPath(new URL('./schemathesis.toml', import.meta.url));

/** The contract test's budget: test cases per operation, and a fixed seed so a failure reproduces. */
export const MAX_EXAMPLES = 50;
export const SEED = Number(process.env.VESEMIR_CONTRACT_SEED ?? 20261130);

export interface SchemathesisRun {
  exitCode: number | null;
  output: string;
  /** `1584 generated, 1584 passed, 22 skipped` and the closing `=== … in 29.27s ===` line. */
  summary: string;
}

/** `schemathesis run ARGS` with the project's config, in a scratch folder (it keeps a crash cache in its working directory). */
export async function schemathesis(args: string[]): Promise<SchemathesisRun> {
  const bin = requireExecutable('schemathesis', [join(toolDir, 'bin/schemathesis')]);
  const cwd = mkdtempSync(join(tmpdir(), 'vesemir-schemathesis-'));
  try {
    const child = spawn(bin, ['--config-file', CONFIG_FILE, '--no-color', 'run', ...args], {
      cwd,
      env: { ...process.env, PYTHONPATH: toolDir, COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const cases = /^\s*(\d+ generated.*)$/m.exec(output)?.[1] ?? '(no test cases line)';
    const closing = output.trimEnd().split('\n').at(-1) ?? '';
    return { exitCode, output, summary: `${cases}; ${closing.replace(/^=+\s*|\s*=+$/g, '')}` };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
