import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.data/demo';

export interface DemoOptions {
  /** Keeps the data folder (Temporal's and PGlite's files) of the last run instead of wiping it. */
  keep: boolean;
  /** @default DEFAULT_DATA_DIR */
  dataDir: string;
}

export const USAGE = `usage: bash scripts/demo.sh [--keep] [--data-dir DIR]
  --keep          keep the last run's deploys and VMs (DIR is wiped at start otherwise)
  --data-dir DIR  the demo's data folder (default ${DEFAULT_DATA_DIR}); API_PORT, TEMPORAL_PORT
                  and TEMPORAL_UI_PORT move its ports`;

export function parseDemoArgs(argv: string[]): DemoOptions {
  const options: DemoOptions = { keep: false, dataDir: DEFAULT_DATA_DIR };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--keep') options.keep = true;
    else if (arg === '--data-dir' && argv[i + 1]) options.dataDir = argv[++i]!;
    else throw new Error(`${arg === '--data-dir' ? '--data-dir needs a folder' : `unknown argument ${arg}`}\n${USAGE}`);
  }
  return options;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Makes the data folder the demo's own: refused while another demo runs on it
 * (its pid file names a live process), wiped unless `keep`, so deploys left
 * running by an earlier run never queue in front of this one. Answers the
 * folder's absolute path and the release of the claim.
 */
export function claimDataDir(options: DemoOptions): { dir: string; release(): void } {
  const dir = resolve(options.dataDir);
  const pidFile = join(dir, 'demo.pid');
  const owner = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  if (owner && owner !== process.pid && alive(owner)) {
    throw new Error(`another demo (pid ${owner}) runs on ${dir}: stop it first, or give this one --data-dir`);
  }
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(pidFile, String(process.pid));
  return { dir, release: () => rmSync(pidFile, { force: true }) };
}

const ROOT_PREFIX = 'vesemir-demo-';

/**
 * One temp dir holds every temp dir of this run (the fleet's keys, goiardi's
 * admin key, the boxes, HAProxy's socket): TMPDIR points into it from here on,
 * so one removal takes them all, and a run killed outright (SIGKILL) is swept
 * by the next one. Answers its path.
 */
export function claimTempRoot(): string {
  const base = tmpdir();
  for (const entry of readdirSync(base)) {
    const pid = new RegExp(`^${ROOT_PREFIX}(\\d+)-`).exec(entry)?.[1];
    if (pid && !alive(Number(pid))) rmSync(join(base, entry), { recursive: true, force: true });
  }
  const root = mkdtempSync(join(base, `${ROOT_PREFIX}${process.pid}-`));
  process.env.TMPDIR = root;
  return root;
}
