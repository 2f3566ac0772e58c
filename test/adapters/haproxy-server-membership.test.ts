import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VesemirError } from '../../src/domain/errors.ts';
import { waitFor } from '../fleet/net.ts';
import { type AppServer, BACKEND, startApp, useHaproxyPair } from './haproxy-pair.ts';

// Runtime add / remove of a server on two real HAProxy 2.6 boxes: what a
// fleet recycle and a decommission do to the application's backend.

const pair = useHaproxyPair();
const { ip, haproxies, lbs } = pair;
let web04: AppServer;
beforeAll(async () => {
  web04 = await startApp('web-04', ip(14));
});
afterAll(async () => {
  web04.server.closeAllConnections();
  await new Promise((resolve) => web04.server.close(resolve));
});

const serversOn = async (n: number) => (await pair.balancer.serverStates(lbs[n]!, BACKEND)).map((s) => s.server);

describe('HaproxyLoadBalancer.addServer / removeServer on two LB boxes', () => {
  it('adds a server that then takes traffic; adding it again is a no-op; removing it waits for its session, then it is gone', async () => {
    const added = await pair.balancer.addServer(lbs, BACKEND, 'web-04', { address: web04.address, port: web04.port, weight: 100 });
    expect(added).toEqual([
      { lb: 'lb-a', added: true },
      { lb: 'lb-b', added: true },
    ]);
    for (const n of [0, 1]) expect(await serversOn(n)).toContain('web-04');
    // Health checked: it goes UP through its own check, and round robin reaches it.
    await waitFor('web-04 UP on both boxes', async () => {
      const states = await Promise.all(lbs.map((lb) => pair.balancer.serverStates(lb, BACKEND)));
      return states.every((s) => s.find((x) => x.server === 'web-04')?.operational === 'UP');
    });
    const before = web04.requests;
    for (let i = 0; i < 8; i++) expect((await fetch(`${haproxies[0]!.frontendUrl}/`)).status).toBe(200);
    expect(web04.requests - before).toBeGreaterThan(0);

    const again = await pair.balancer.addServer(lbs, BACKEND, 'web-04', { address: web04.address, port: web04.port, weight: 100 });
    expect(again.map((r) => r.added)).toEqual([false, false]);
    expect((await serversOn(0)).filter((s) => s === 'web-04')).toHaveLength(1);

    // A slow request on web-04 alone (the others in maintenance on lb-a for a moment) is waited for, not cut.
    for (const other of ['web-01', 'web-02', 'web-03']) await pair.runtime.send(lbs[0]!, `set server ${BACKEND}/${other} state maint`);
    const slow = fetch(`${haproxies[0]!.frontendUrl}/slow`);
    await waitFor('the slow request on web-04', () => web04.inFlight > 0);
    const removed = await pair.balancer.removeServer(lbs, BACKEND, 'web-04', { drainTimeoutMs: 5_000 });
    expect((await slow).status).toBe(200);
    expect(removed.map((r) => [r.lb, r.removed, r.sessionsCut])).toEqual([
      ['lb-a', true, 0],
      ['lb-b', true, 0],
    ]);
    expect(removed[0]!.waitedMs).toBeGreaterThan(100);
    for (const n of [0, 1]) expect(await serversOn(n)).not.toContain('web-04');
    const answer = await pair.runtime.send(lbs[0]!, `show servers state ${BACKEND}`);
    expect(answer).not.toContain('web-04');

    // Removing it again: already gone is done.
    const twice = await pair.balancer.removeServer(lbs, BACKEND, 'web-04', { drainTimeoutMs: 1_000 });
    expect(twice.map((r) => r.removed)).toEqual([false, false]);
  });

  it('refuses to add a server whose name is taken at another address, and a malformed address', async () => {
    const conflict = await pair.balancer.addServer(lbs, BACKEND, 'web-01', { address: web04.address, port: web04.port, weight: 100 }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(VesemirError);
    expect((conflict as VesemirError).type).toBe('HaproxyServerConflict');
    expect((conflict as VesemirError).message).toContain(`not ${web04.address}:${web04.port}`);
    await expect(pair.balancer.addServer(lbs, BACKEND, 'web-05', { address: '127.0.0.1; show info', port: 80, weight: 1 })).rejects.toThrow(
      /invalid server address/,
    );
    expect(await serversOn(0)).not.toContain('web-05');
  });

  it('adds a server in maintenance when asked, and a backend that does not exist is a LoadBalancerError', async () => {
    await pair.balancer.addServer(lbs, BACKEND, 'web-04', { address: web04.address, port: web04.port, weight: 50, ready: false });
    const state = (await pair.balancer.serverStates(lbs[1]!, BACKEND)).find((s) => s.server === 'web-04');
    expect(state).toMatchObject({ admin: 'maint', weight: 50, initialWeight: 50 });
    await pair.balancer.removeServer(lbs, BACKEND, 'web-04', { drainTimeoutMs: 1_000 });
    const refused = await pair.balancer.addServer(lbs, 'nope', 'web-04', { address: web04.address, port: web04.port, weight: 1 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ type: 'LoadBalancerError', retryable: false });
    expect((refused as Error).message).toContain('add server refused');
  });
});
