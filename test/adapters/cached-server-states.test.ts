import { describe, expect, it } from 'vitest';
import { CachedServerStates } from '../../src/adapters/haproxy/cached-server-states.ts';
import type { Host, LbServerState } from '../../src/domain/ports.ts';

const lbA: Host = { name: 'lb-a', address: '127.0.0.2' };
const lbB: Host = { name: 'lb-b', address: '127.0.0.3' };

describe('CachedServerStates', () => {
  it('shares one read per box and backend among concurrent dry runs, and reads again once stale', async () => {
    const reads: string[] = [];
    const cached = new CachedServerStates(
      {
        async serverStates(lb, backend): Promise<LbServerState[]> {
          reads.push(`${lb.name}/${backend}`);
          await new Promise((r) => setTimeout(r, 10));
          return [{ backend, server: 'vm1', admin: 'ready', operational: 'UP', weight: reads.length, initialWeight: 100 }];
        },
      },
      { freshMs: 30, maxStaleMs: 30 },
    );
    const first = await Promise.all([cached.serverStates(lbA, 'shop'), cached.serverStates(lbA, 'shop'), cached.serverStates(lbB, 'shop')]);
    expect(reads).toEqual(['lb-a/shop', 'lb-b/shop']);
    expect(first[0]).toBe(first[1]);
    await new Promise((r) => setTimeout(r, 40));
    expect((await cached.serverStates(lbA, 'shop'))[0]?.weight).toBe(3);
    expect(reads).toEqual(['lb-a/shop', 'lb-b/shop', 'lb-a/shop']);
  });
});
