import { describe, expect, it } from 'vitest';
import { HaproxyLoadBalancer, LoadBalancerError } from '../../src/adapters/haproxy/load-balancer.ts';
import type { Host } from '../../src/domain/ports.ts';
import { waitFor } from '../fleet/net.ts';
import { type AppServer, BACKEND, useHaproxyPair } from './haproxy-pair.ts';

const pair = useHaproxyPair();
const { ip, apps, haproxies, lbs } = pair;
const lbA = (): Host => lbs[0]!;

/** Sends a /slow request through lb-a and waits until an app server has it in flight. */
async function slowRequestInFlight(): Promise<{ busy: AppServer; slow: Promise<Response> }> {
  const slow = fetch(`${haproxies[0]!.frontendUrl}/slow`);
  let busy: AppServer | undefined;
  await waitFor('a slow request in flight', () => {
    busy = apps.find((a) => a.inFlight > 0);
    return busy !== undefined;
  });
  return { busy: busy!, slow };
}

describe('HaproxyLoadBalancer on two LB boxes', () => {
  it('drains to maintenance and enables with a weight, verified on both boxes', async () => {
    const results = await pair.balancer.drain(lbs, BACKEND, 'web-01', { drainTimeoutMs: 2_000 });
    expect(results.map((r) => [r.lb, r.sessionsLeft])).toEqual([
      ['lb-a', 0],
      ['lb-b', 0],
    ]);
    for (const lb of lbs) {
      const web01 = (await pair.balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01');
      expect(web01, lb.name).toMatchObject({ admin: 'maint', operational: 'DOWN' });
    }
    // A retried drain finds the server already in maintenance and leaves it there.
    await pair.balancer.drain(lbs, BACKEND, 'web-01', { drainTimeoutMs: 2_000 });

    await pair.balancer.enable(lbs, BACKEND, 'web-01', { percent: 10 });
    for (const lb of lbs) {
      const web01 = (await pair.balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01');
      expect(web01, lb.name).toMatchObject({ admin: 'ready', operational: 'UP', weight: 10 });
    }
  });

  it('records the state as found and enables at a percent of the weight found, then restores it', async () => {
    await pair.runtime.send(lbs[1]!, 'set weight app/web-01 50');
    await pair.runtime.send(lbs[1]!, 'set server app/web-01 state maint');
    const found = await pair.balancer.inspect(lbs, BACKEND, 'web-01');
    expect(found).toEqual([
      { lb: 'lb-a', admin: 'ready', weight: 100, initialWeight: 100 },
      { lb: 'lb-b', admin: 'maint', weight: 50, initialWeight: 100 },
    ]);
    const reports = await pair.balancer.enable(lbs, BACKEND, 'web-01', { percent: 10, found });
    expect(reports).toEqual([
      { lb: 'lb-a', weight: 10, fullWeight: 100, raisedToMinimum: false },
      { lb: 'lb-b', weight: 5, fullWeight: 50, raisedToMinimum: false },
    ]);
    for (const lb of lbs) expect((await pair.balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01')).toMatchObject({ admin: 'ready' });
    await pair.balancer.restore(lbs, BACKEND, 'web-01', found);
    const after = await Promise.all(lbs.map(async (lb) => (await pair.balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01')));
    expect(after.map((s) => [s?.admin, s?.weight])).toEqual([
      ['ready', 100],
      ['maint', 50],
    ]);
    await expect(pair.balancer.restore(lbs, BACKEND, 'web-01', found.slice(0, 1))).rejects.toThrow(
      'HAProxy on lb-b, app/web-01: no recorded state to restore on this box',
    );
  });

  it('waits for in-flight sessions before maintenance', async () => {
    const { busy, slow } = await slowRequestInFlight();
    const [onA, onB] = await pair.balancer.drain(lbs, BACKEND, busy.name, { drainTimeoutMs: 3_000 });
    expect(onA).toMatchObject({ lb: 'lb-a', sessionsLeft: 0 });
    expect(onA!.waitedMs).toBeGreaterThan(300);
    expect(onB).toMatchObject({ lb: 'lb-b', sessionsLeft: 0 });
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(busy.name);
  });

  it('gives up waiting at the drain timeout and reports the sessions left', async () => {
    const { busy, slow } = await slowRequestInFlight();
    const [onA] = await pair.balancer.drain([lbA()], BACKEND, busy.name, { drainTimeoutMs: 50 });
    expect(onA!.sessionsLeft).toBe(1);
    await slow;
  });

  it('serves every request of a client loop while a server is drained and re-enabled', async () => {
    const frontend = haproxies[0]!.frontendUrl;
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const client = async (): Promise<void> => {
      while (!stop) {
        try {
          const response = await fetch(frontend);
          await response.text();
          if (response.status === 200) ok += 1;
          else failures.push(`status ${response.status}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = [client(), client(), client()];
    try {
      await new Promise((r) => setTimeout(r, 150));
      await pair.balancer.drain(lbs, BACKEND, 'web-02', { drainTimeoutMs: 2_000 });
      const web02 = apps[1]!;
      const servedBeforeMaint = web02.requests;
      await new Promise((r) => setTimeout(r, 300));
      expect(web02.requests, 'a server in maintenance gets no requests').toBe(servedBeforeMaint);
      await pair.balancer.enable(lbs, BACKEND, 'web-02', { percent: 100 });
      await waitFor('web-02 serving again', () => web02.requests > servedBeforeMaint, 3_000);
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  });

  it('turns a refusal into a LoadBalancerError naming box, server and answer', async () => {
    const found = lbs.map((lb) => ({ lb: lb.name, admin: 'ready' as const, weight: 100, initialWeight: 100 }));
    const error = await pair.balancer.enable(lbs, BACKEND, 'nope', { percent: 10, found }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadBalancerError);
    expect(error).toMatchObject({ lb: 'lb-a', backend: BACKEND, server: 'nope', answer: 'No such server.\n\n' });
    expect((error as Error).message).toBe("HAProxy on lb-a, app/nope: 'set weight app/nope 10' failed (HAProxy said: No such server.)");
    await expect(pair.balancer.serverStates(lbA(), 'nope')).rejects.toThrow(/HAProxy on lb-a, nope\/\*: .*Can't find backend\./);
  });

  it('validates names before anything is sent', async () => {
    const sent: string[] = [];
    const recording = new HaproxyLoadBalancer({
      send: async (_lb, command) => {
        sent.push(command);
        return '\n';
      },
    });
    await expect(recording.drain(lbs, BACKEND, 'web;01', { drainTimeoutMs: 10 })).rejects.toThrow('invalid HAProxy server name "web;01"');
    await expect(recording.enable(lbs, 'app x', 'web-01', { percent: 10 })).rejects.toThrow('invalid HAProxy backend name "app x"');
    await expect(recording.enable(lbs, BACKEND, 'web-01', { percent: 150 })).rejects.toThrow('invalid weight percent 150');
    expect(sent).toEqual([]);
  });

  it('wraps a transport failure in a LoadBalancerError for that box', async () => {
    const gone: Host = { name: 'lb-gone', address: ip(5) };
    await expect(pair.balancer.drain([lbA(), gone], BACKEND, 'web-03', { drainTimeoutMs: 500 })).rejects.toThrow(
      /^HAProxy on lb-gone, app\/web-03: 'show servers state app' not delivered: .*ECONNREFUSED/,
    );
  });
});
