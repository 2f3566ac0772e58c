/**
 * What a deploy does to a server's weight, as pure functions: the request's
 * percent is turned into an ABSOLUTE weight from the weight the server had
 * before the deploy, so that what HAProxy is told is exactly what is read back.
 */
import type { ServerAdminState } from './haproxy.ts';

/** HAProxy's largest server weight. */
export const MAX_WEIGHT = 256;

/** One server on one LB box as found before the deploy touched it. */
export interface LbFound {
  lb: string;
  admin: ServerAdminState;
  /** The weight in effect (`srv_uweight`): an operator's hand-set weight included. */
  weight: number;
  /** The weight in the HAProxy configuration (`srv_iweight`). */
  initialWeight: number;
}

/** The weight a server is enabled at on one box, and why. */
export interface PlannedWeight {
  weight: number;
  /** The weight the host returns to at 100%. */
  fullWeight: number;
  /** The percent of `fullWeight` rounds down to 0: the smallest non-zero weight (1) is used. */
  raisedToMinimum: boolean;
}

/**
 * The weight a host returns to: the one found before the deploy (an operator's
 * hand-set weight is kept), else the configured one, else 1, so that an
 * enabled server never ends at weight 0 because of the deploy.
 */
export function fullWeight(found: Pick<LbFound, 'weight' | 'initialWeight'>): number {
  if (found.weight > 0) return Math.min(MAX_WEIGHT, found.weight);
  if (found.initialWeight > 0) return Math.min(MAX_WEIGHT, found.initialWeight);
  return 1;
}

/** An enable's percent of the full weight: 0 would put an enabled server out of rotation. */
export function assertEnablePercent(percent: number): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new Error(`invalid weight percent ${percent}: use an integer 1..100`);
  }
  return percent;
}

/** `percent`% of the full weight, rounded down, never 0 (an enabled server at weight 0 gets no traffic). */
export function enableWeight(found: Pick<LbFound, 'weight' | 'initialWeight'>, percent: number): PlannedWeight {
  assertEnablePercent(percent);
  const full = fullWeight(found);
  const exact = Math.floor((full * percent) / 100);
  return { weight: Math.max(1, exact), fullWeight: full, raisedToMinimum: exact === 0 };
}

/** A server that an operator (or anything but this deploy) took out of rotation on at least one box. */
export function inMaintenance(found: readonly LbFound[]): boolean {
  return found.some((f) => f.admin !== 'ready');
}

export const IN_MAINTENANCE_REASON = 'in maintenance before the deploy';

/** The step-record line of one box's state as found. */
export function foundNote(backend: string, server: string, f: LbFound): string {
  return `${f.lb}: ${backend}/${server} found ${f.admin} at weight ${f.weight} (configured ${f.initialWeight})`;
}

/** The step-record line of one box's enable, saying when the percent could not be expressed. */
export function enableNote(backend: string, server: string, lb: string, percent: number, planned: PlannedWeight): string {
  const line = `${lb}: ${backend}/${server} ready at weight ${planned.weight} (${percent}% of ${planned.fullWeight})`;
  return planned.raisedToMinimum ? `${line}: ${percent}% of weight ${planned.fullWeight} rounds down to 0, raised to the smallest non-zero weight 1` : line;
}

/**
 * Found as configured on every box: ready at the configuration's weight. A
 * rollback without a recorded state puts the server back exactly so, so a
 * DONE host's result leaves such a record out (the deploy's result and the
 * state it carries between runs stay small: ~60 bytes a host, not ~190).
 */
export function foundAsConfigured(found: readonly LbFound[]): boolean {
  return found.every((f) => f.admin === 'ready' && f.weight === f.initialWeight);
}
