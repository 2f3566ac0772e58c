import { Context } from '@temporalio/activity';

/**
 * Heartbeats every second while `work` runs. With a heartbeat timeout on the
 * activity, a worker killed in the middle is noticed within seconds and the
 * work retried elsewhere, instead of after the whole start-to-close timeout.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  // A local activity has no heartbeat: its workflow task stands for it.
  if (ctx.info.isLocal) return work();
  const beat = setInterval(() => ctx.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

/** Heartbeats with `details` from a regular activity; a local activity has no heartbeat to send. */
export function heartbeat(details?: unknown): void {
  const ctx = Context.current();
  if (!ctx.info.isLocal) ctx.heartbeat(details);
}
