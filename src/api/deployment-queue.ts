import type { DeploymentRecord } from '../domain/deployment.ts';
import type { LockState } from '../workflows/definitions.ts';

/** Where a QUEUED deployment stands in its application/environment queue. */
export interface QueuePlace {
  /** 1 = next to get the turn; 0 = its turn has come and it is starting. */
  queuePosition: number;
  /** The deployment it waits behind: the one holding the turn (null when none does). */
  waitingFor: string | null;
}

/** Reads a lock's state: a query, so nothing enters its history; undefined when there is no lock. */
export type LockStateReader = (application: string, environment: string) => Promise<LockState | undefined>;

export function queuePlace(state: LockState, workflowId: string): QueuePlace | undefined {
  if (state.holder?.workflowId === workflowId) return { queuePosition: 0, waitingFor: null };
  const at = state.queue.findIndex((q) => q.workflowId === workflowId);
  if (at < 0) return undefined;
  // Without a holder the head of the queue is about to get the turn: the others wait behind it.
  const ahead = state.holder ?? (at > 0 ? state.queue[0] : undefined);
  return { queuePosition: at + 1, waitingFor: ahead?.deploymentId ?? null };
}

/**
 * The places of the QUEUED ones among `records`, from one lock query per
 * application/environment. The lock is the one truth of the queue (a copy in
 * the database could drift); a lock that does not answer leaves the places out.
 */
export async function queuePlaces(records: DeploymentRecord[], read: LockStateReader): Promise<Map<string, QueuePlace>> {
  const queued = records.filter((r) => r.status === 'QUEUED');
  const locks = new Map<string, Promise<LockState | undefined>>();
  for (const r of queued) {
    const key = JSON.stringify([r.application, r.environment]);
    if (!locks.has(key))
      locks.set(
        key,
        read(r.application, r.environment).catch(() => undefined),
      );
  }
  const places = new Map<string, QueuePlace>();
  for (const r of queued) {
    const state = await locks.get(JSON.stringify([r.application, r.environment]));
    const place = state && queuePlace(state, r.workflowId);
    if (place) places.set(r.id, place);
  }
  return places;
}
