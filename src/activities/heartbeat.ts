import { Context } from '@temporalio/activity';

/**
 * The details an activity last sent, repeated by the keep-alive beat below:
 * the server keeps only the latest heartbeat's details, so a beat without
 * them would blank what the UI shows (a health wait's probe number).
 */
const lastDetails = new WeakMap<Context, unknown>();

/**
 * Heartbeats every second while `work` runs. With a heartbeat timeout on the
 * activity, a worker killed in the middle is noticed within seconds and the
 * work retried elsewhere, instead of after the whole start-to-close timeout.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  // A local activity has no heartbeat: its workflow task stands for it.
  if (ctx.info.isLocal) return work();
  const beat = setInterval(() => ctx.heartbeat(lastDetails.get(ctx)), 1000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

/** Heartbeats with `details` from a regular activity; a local activity has no heartbeat to send. */
export function heartbeat(details?: unknown): void {
  const ctx = Context.current();
  if (ctx.info.isLocal) return;
  lastDetails.set(ctx, details);
  ctx.heartbeat(details);
}

/**
 * Settles with `work`, or rejects with the activity's CancelledFailure as soon
 * as a cancel arrives (with a heartbeat, within a second). Only for work that
 * stops by itself once `cancellationSignal` aborts and changes nothing a
 * compensation would have to race: a wait, an upload into the staging folder.
 */
export function untilCancelled<T>(work: Promise<T>): Promise<T> {
  // The loser of the race is settled quietly: a probe that fails after the cancel is no news.
  work.catch(() => undefined);
  return Promise.race([work, Context.current().cancelled]);
}
