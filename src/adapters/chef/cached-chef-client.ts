import type { ChefClient, Host } from '../../domain/ports.ts';

/**
 * Chef searches for the API's dry runs: identical searches in flight share one
 * request, and an answer is reused for `ttlMs`. Fifty dry runs at once cost
 * Chef one search, not fifty. Deploys never use it: their snapshot is always
 * a fresh search.
 */
export class CachedChefClient implements ChefClient {
  private readonly answers = new Map<string, { at: number; hosts: Promise<Host[]> }>();

  constructor(
    private readonly inner: ChefClient,
    private readonly ttlMs = 2_000,
  ) {}

  searchNodes(query: string): Promise<Host[]> {
    const now = Date.now();
    const hit = this.answers.get(query);
    if (hit && now - hit.at < this.ttlMs) return hit.hosts;
    const hosts = this.inner.searchNodes(query);
    this.answers.set(query, { at: now, hosts });
    // A failed search is not remembered.
    hosts.catch(() => this.answers.delete(query));
    if (this.answers.size > 1000) this.answers.delete(this.answers.keys().next().value as string);
    return hosts;
  }
}
