import type { Host } from '../../domain/ports.ts';

/** Runs on every box and lets all finish (no change left half-sent), then throws the first failure. */
export async function onEvery<T>(lbs: readonly Host[], work: (lb: Host) => Promise<T>): Promise<T[]> {
  const outcomes = await Promise.allSettled(lbs.map(work));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<T>).value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
