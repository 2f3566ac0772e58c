import { pidsWithMountsOf } from '../fleet/namespaces.ts';

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same kill times.
 * The seed comes from VESEMIR_FAULT_SEED, else from the clock.
 */
export function faultRandom(): { seed: number; next(): number } {
  const fromEnv = process.env.VESEMIR_FAULT_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  let a = seed;
  return {
    seed,
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * Freezes every process of a box (sshd and its sessions) with SIGSTOP: the
 * kernel still completes TCP handshakes into sshd's backlog, but no SSH banner
 * ever comes — what a hung or partitioned box looks like to a client.
 * Returns the thaw; call it in a finally, a frozen box cannot be stopped.
 */
export function freezeBox(rootDir: string): () => void {
  const pids = pidsWithMountsOf(rootDir);
  if (pids.length === 0) throw new Error(`no process of the box at ${rootDir}`);
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pidsWithMountsOf(rootDir)) {
      try {
        process.kill(pid, sig);
      } catch {
        // exited meanwhile
      }
    }
  };
  signal('SIGSTOP');
  let thawed = false;
  return () => {
    if (thawed) return;
    thawed = true;
    signal('SIGCONT');
  };
}
