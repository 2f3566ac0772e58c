import type { ChefClient, Host } from '../../domain/ports.ts';

export interface ChefCacheOptions {
  /** An answer younger than this is served as it is. @default 2000 */
  freshMs?: number;
  /**
   * An older answer, up to this age, is still served at once while one
   * search refreshes it in the background; older than this, the caller waits
   * for a new search. @default 10000
   */
  maxStaleMs?: number;
}

interface Entry {
  /** When the search behind `hosts` was sent. */
  at: number;
  hosts: Promise<Host[]>;
  /** Set once `hosts` resolved: only a known-good answer is served stale. */
  settled: boolean;
  refreshing: boolean;
}

/**
 * Chef searches for the API's dry runs: identical searches in flight share
 * one request, an answer is reused while fresh and, a little longer, served
 * while a refresh runs, so no dry run waits on Chef while others keep
 * asking. Fifty dry runs at once cost Chef one search, not fifty. Deploys
 * never use it: their snapshot is always a fresh search.
 */
export class CachedChefClient implements ChefClient {
  private readonly answers = new Map<string, Entry>();
  private readonly freshMs: number;
  private readonly maxStaleMs: number;

  constructor(
    private readonly inner: ChefClient,
    options: ChefCacheOptions = {},
  ) {
    this.freshMs = options.freshMs ?? 2_000;
    this.maxStaleMs = Math.max(this.freshMs, options.maxStaleMs ?? 10_000);
  }

  searchNodes(query: string): Promise<Host[]> {
    const hit = this.answers.get(query);
    const age = hit ? Date.now() - hit.at : Number.POSITIVE_INFINITY;
    if (hit && (age < this.freshMs || !hit.settled)) return hit.hosts;
    if (hit && age < this.maxStaleMs) {
      if (!hit.refreshing) this.refresh(query, hit);
      return hit.hosts;
    }
    return this.search(query).hosts;
  }

  private search(query: string): Entry {
    const entry: Entry = { at: Date.now(), hosts: this.inner.searchNodes(query), settled: false, refreshing: false };
    this.answers.set(query, entry);
    entry.hosts.then(
      () => {
        entry.settled = true;
      },
      // A failed search is not remembered.
      () => {
        if (this.answers.get(query) === entry) this.answers.delete(query);
      },
    );
    if (this.answers.size > 1000) this.answers.delete(this.answers.keys().next().value as string);
    return entry;
  }

  /** Replaces a stale answer once a new search succeeds; a failed refresh keeps serving it until it is too old. */
  private refresh(query: string, stale: Entry): void {
    stale.refreshing = true;
    const at = Date.now();
    this.inner.searchNodes(query).then(
      (hosts) => {
        if (this.answers.get(query) === stale) this.answers.set(query, { at, hosts: Promise.resolve(hosts), settled: true, refreshing: false });
      },
      () => {
        stale.refreshing = false;
      },
    );
  }
}
