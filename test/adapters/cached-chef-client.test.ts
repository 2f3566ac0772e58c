import { describe, expect, it } from 'vitest';
import { CachedChefClient } from '../../src/adapters/chef/cached-chef-client.ts';
import type { ChefClient, Host } from '../../src/domain/ports.ts';

function countingChef(answer: () => Promise<Host[]>) {
  let searches = 0;
  const chef: ChefClient = {
    searchNodes: () => {
      searches++;
      return answer();
    },
    deleteNode: async () => ({ node: 'absent', client: 'absent' }),
  };
  return { chef, searches: () => searches };
}

describe('CachedChefClient', () => {
  it('shares one search between identical concurrent queries and reuses it within the TTL', async () => {
    const hosts = [{ name: 'vm1', address: '10.0.0.1' }];
    const { chef, searches } = countingChef(async () => hosts);
    const cached = new CachedChefClient(chef, { freshMs: 50, maxStaleMs: 50 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => cached.searchNodes('tags:app-shop')));
    expect(answers.every((a) => a === hosts)).toBe(true);
    expect(searches()).toBe(1);
    await cached.searchNodes('tags:app-other');
    expect(searches()).toBe(2);
    await new Promise((r) => setTimeout(r, 70));
    await cached.searchNodes('tags:app-shop');
    expect(searches()).toBe(3);
  });

  it('does not remember a failed search', async () => {
    let fail = true;
    const { chef, searches } = countingChef(async () => {
      if (fail) throw new Error('chef down');
      return [];
    });
    const cached = new CachedChefClient(chef);
    await expect(cached.searchNodes('q')).rejects.toThrow('chef down');
    fail = false;
    await new Promise((r) => setTimeout(r, 0));
    await expect(cached.searchNodes('q')).resolves.toEqual([]);
    expect(searches()).toBe(2);
  });

  it('serves a stale answer at once while one search refreshes it, then the new answer', async () => {
    const before = [{ name: 'vm1', address: '10.0.0.1' }];
    const after = [...before, { name: 'vm2', address: '10.0.0.2' }];
    let release: (hosts: Host[]) => void = () => undefined;
    let slow = false;
    const { chef, searches } = countingChef(() => (slow ? new Promise<Host[]>((resolve) => (release = resolve)) : Promise.resolve(before)));
    const cached = new CachedChefClient(chef, { freshMs: 20, maxStaleMs: 10_000 });
    expect(await cached.searchNodes('q')).toBe(before);
    await new Promise((r) => setTimeout(r, 30));
    slow = true;
    // Chef has not answered the refresh: everyone gets the old answer now, and only one refresh is sent.
    const answers = await Promise.all(Array.from({ length: 20 }, () => cached.searchNodes('q')));
    expect(answers.every((a) => a === before)).toBe(true);
    expect(searches()).toBe(2);
    release(after);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cached.searchNodes('q')).toBe(after);
    expect(searches()).toBe(2);
  });

  it('waits for a new search once the answer is older than maxStaleMs', async () => {
    let n = 0;
    const { chef, searches } = countingChef(async () => [{ name: `vm${++n}`, address: '10.0.0.1' }]);
    const cached = new CachedChefClient(chef, { freshMs: 10, maxStaleMs: 30 });
    expect((await cached.searchNodes('q'))[0]!.name).toBe('vm1');
    await new Promise((r) => setTimeout(r, 50));
    expect((await cached.searchNodes('q'))[0]!.name).toBe('vm2');
    expect(searches()).toBe(2);
  });

  it('keeps serving the stale answer when a refresh fails, and tries again on the next call', async () => {
    const hosts = [{ name: 'vm1', address: '10.0.0.1' }];
    let fail = false;
    const { chef, searches } = countingChef(async () => {
      if (fail) throw new Error('chef down');
      return hosts;
    });
    const cached = new CachedChefClient(chef, { freshMs: 10, maxStaleMs: 10_000 });
    await cached.searchNodes('q');
    await new Promise((r) => setTimeout(r, 20));
    fail = true;
    expect(await cached.searchNodes('q')).toBe(hosts);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cached.searchNodes('q')).toBe(hosts);
    expect(searches()).toBe(3);
  });
});
