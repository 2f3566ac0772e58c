import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Finding a box's processes from the host: every process whose mount table
 * mentions the box's dir lives in the box's mount namespace. Zombies have no
 * mount table, so they never count (they are already dead).
 */
export function pidsWithMountsOf(path: string): number[] {
  const verdictByNamespace = new Map<string, boolean>();
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const namespace = readlinkSync(`/proc/${entry}/ns/mnt`);
      let mentions = verdictByNamespace.get(namespace);
      if (mentions === undefined) {
        mentions = readFileSync(`/proc/${entry}/mounts`, 'utf8').includes(path);
        verdictByNamespace.set(namespace, mentions);
      }
      if (mentions) pids.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}

/** Lines of any process's mount table that mention `path` (empty when the box is gone). */
export function mountsMentioning(path: string): string[] {
  const pids = pidsWithMountsOf(path);
  const lines = new Set<string>();
  for (const pid of pids) {
    try {
      for (const line of readFileSync(`/proc/${pid}/mounts`, 'utf8').split('\n')) if (line.includes(path)) lines.add(line);
    } catch {
      // exited meanwhile
    }
  }
  return [...lines];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** TERM, then KILL after `graceMs`, every process in the namespace that mounts `path`; resolves when none is left. */
export async function killProcessesMounting(path: string, graceMs = 2_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let signal: NodeJS.Signals = 'SIGTERM';
  for (;;) {
    const pids = pidsWithMountsOf(path);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    if (Date.now() > deadline) {
      if (signal === 'SIGKILL' && Date.now() > deadline + 3_000) {
        throw new Error(`processes ${pids.join(', ')} mounting ${path} survived SIGKILL`);
      }
      signal = 'SIGKILL';
    }
    await sleep(25);
  }
}

/** Direct children of `pid` (for unshare --fork: the namespace's init). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Stops a box started as `unshare --pid --fork`: its init (sshd) gets TERM,
 * then KILL. When a PID namespace's init dies the kernel kills and reaps
 * every other process in it, and unshare reaps the init, so no zombie is left
 * for the host's slow pid 1.
 */
export async function stopPidNamespace(unsharePid: number | undefined, exited: Promise<void>, graceMs = 2_000): Promise<void> {
  const inits = unsharePid === undefined ? [] : childPids(unsharePid);
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of inits) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  signalAll('SIGTERM');
  const timer = setTimeout(() => signalAll('SIGKILL'), graceMs);
  // unshare exits as soon as its child (the init) is gone
  if (inits.length === 0 && unsharePid !== undefined) process.kill(unsharePid, 'SIGKILL');
  await exited;
  clearTimeout(timer);
}
