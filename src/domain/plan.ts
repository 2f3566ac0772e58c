/**
 * How a deploy walks its hosts, as pure data: the workflow follows it and a
 * dry run prints it.
 *
 * - `concurrency: 3` — one phase, a sliding window of 3 hosts.
 * - `concurrency: [1, 2, "50%"]` — a ramp: batches of 1, then 2, then half
 *   the fleet (the last size repeats); a batch starts when the previous one
 *   has finished.
 * - `canary: { hosts: n }` — the first n hosts form a phase of their own,
 *   followed by a gate (approval or bake time).
 */
export type Concurrency = number | (number | `${number}%`)[];

export interface Phase {
  hosts: string[];
  /** Hosts of this phase in flight at once. */
  window: number;
  /** After this phase: wait for `approve` (or the bake time) before the next one. */
  gate?: { requireApproval: boolean; bakeSeconds: number } | undefined;
}

export interface CanarySpec {
  hosts: number;
  requireApproval?: boolean | undefined;
  bakeSeconds?: number | undefined;
}

export function batchSize(size: number | `${number}%`, total: number): number {
  if (typeof size === 'number') return size;
  return Math.max(1, Math.ceil((Number.parseFloat(size) / 100) * total));
}

export function planPhases(hosts: string[], concurrency: Concurrency, canary?: CanarySpec): Phase[] {
  const phases: Phase[] = [];
  let rest = hosts;
  if (canary && canary.hosts > 0 && hosts.length > 0) {
    const first = rest.slice(0, canary.hosts);
    rest = rest.slice(canary.hosts);
    phases.push({
      hosts: first,
      window: first.length,
      gate: rest.length > 0 ? { requireApproval: canary.requireApproval ?? false, bakeSeconds: canary.bakeSeconds ?? 0 } : undefined,
    });
  }
  if (rest.length === 0) return phases;
  if (typeof concurrency === 'number') {
    phases.push({ hosts: rest, window: concurrency });
    return phases;
  }
  for (let i = 0; rest.length > 0; i++) {
    const spec = concurrency[Math.min(i, concurrency.length - 1)]!;
    const size = batchSize(spec, hosts.length);
    phases.push({ hosts: rest.slice(0, size), window: size });
    rest = rest.slice(size);
  }
  return phases;
}
