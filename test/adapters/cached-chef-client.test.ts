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
  };
  return { chef, searches: () => searches };
}

describe('CachedChefClient', () => {
  it('shares one search between identical concurrent queries and reuses it within the TTL', async () => {
    const hosts = [{ name: 'vm1', address: '10.0.0.1' }];
    const { chef, searches } = countingChef(async () => hosts);
    const cached = new CachedChefClient(chef, 50);
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
});
