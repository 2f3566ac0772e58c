import { expect } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import { lbStates } from '../support/fleet-probes.ts';
import type { LogEntry } from './deployment-api.ts';

export const current = async (fleet: Fleet, vm: string) => (await fleet.exec(vm, ['readlink', '/opt/shop/current'])).stdout.trim();

/** Every VM on `version`, every server READY at weight 100 in every HAProxy. */
export async function expectAllOn(fleet: Fleet, version: string, vms = fleet.vms.map((v) => v.name)): Promise<void> {
  for (const vm of vms) expect(await current(fleet, vm), vm).toBe(`releases/${version}`);
  for (const states of await lbStates(fleet)) {
    const byName = new Map(states.map((s) => [s.server, [s.admin, s.weight]]));
    for (const vm of vms) expect(byName.get(vm), vm).toEqual(['ready', 100]);
  }
}

/** The steps a successful host goes through, in order (bake is a timer, not a step record). */
export const STEP_ORDER = ['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full'] as const;

/**
 * Checks a host's step records: each step has a SUCCEEDED attempt, and no
 * attempt of a step started before the first success of the step before it
 * finished (so the first successes come in order, too). Returns what broke.
 */
export function stepOrderViolations(logs: LogEntry[], hosts: string[], order: readonly string[] = STEP_ORDER): string[] {
  const problems: string[] = [];
  for (const host of hosts) {
    const mine = logs.filter((l) => l.host === host);
    const rollback = mine.filter((l) => l.step.startsWith('rollback-'));
    if (rollback.length > 0) problems.push(`${host}: rollback steps ran: ${rollback.map((l) => l.step).join(', ')}`);
    let previousDone: { step: string; at: number } | undefined;
    for (const step of order) {
      const attempts = mine.filter((l) => l.step === step);
      const successes = attempts.filter((l) => l.status === 'SUCCEEDED' && l.finishedAt).map((l) => Date.parse(l.finishedAt!));
      if (successes.length === 0) {
        problems.push(`${host}: ${step} never SUCCEEDED (${attempts.map((a) => `#${a.attempt} ${a.status}`).join(', ') || 'no attempt'})`);
        break;
      }
      if (previousDone) {
        for (const a of attempts) {
          if (Date.parse(a.startedAt) < previousDone.at) {
            problems.push(
              `${host}: ${step} attempt ${a.attempt} started at ${a.startedAt}, before ${previousDone.step} first succeeded at ${new Date(previousDone.at).toISOString()}`,
            );
          }
        }
      }
      previousDone = { step, at: Math.min(...successes) };
    }
  }
  return problems;
}

/** `step: total ms over hosts (attempts)`, for the logs of a run: where the time went. */
export function stepTimings(logs: LogEntry[]): string {
  const total = new Map<string, { ms: number; n: number }>();
  for (const l of logs) {
    if (!l.finishedAt) continue;
    const t = total.get(l.step) ?? { ms: 0, n: 0 };
    t.ms += Date.parse(l.finishedAt) - Date.parse(l.startedAt);
    t.n++;
    total.set(l.step, t);
  }
  return [...total].map(([step, t]) => `${step} ${t.ms} ms/${t.n}`).join(', ');
}
