import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { HaproxyLoadBalancer } from '../../src/adapters/haproxy/load-balancer.ts';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import type { Host } from '../../src/domain/ports.ts';
import { type RunningHaproxy, startHaproxy } from '../fleet/haproxy.ts';
import { allocateSubnet, freePort, waitFor } from '../fleet/net.ts';

/** A tiny app VM: /health, /slow (600 ms) and / answering its own name, with counters. */
export interface AppServer {
  name: string;
  address: string;
  port: number;
  server: Server;
  requests: number;
  inFlight: number;
}

export async function startApp(name: string, address: string): Promise<AppServer> {
  const port = await freePort(address);
  const app: AppServer = { name, address, port, server: createServer(), requests: 0, inFlight: 0 };
  app.server.on('request', (req, res) => {
    if (req.url === '/health') return void res.end('ok');
    app.requests += 1;
    app.inFlight += 1;
    const reply = () => {
      app.inFlight -= 1;
      res.end(name);
    };
    if (req.url === '/slow') setTimeout(reply, 600);
    else reply();
  });
  await new Promise<void>((resolve) => app.server.listen(port, address, resolve));
  return app;
}

export const BACKEND = 'app';

/** Three app servers (web-01..03) in backend `app` of two real HAProxies, lb-a and lb-b. */
export interface HaproxyPair {
  ip: (n: number) => string;
  apps: AppServer[];
  haproxies: RunningHaproxy[];
  lbs: Host[];
  /** Set once the pair is up (in beforeAll). */
  runtime: TcpLbRuntime;
  balancer: HaproxyLoadBalancer;
}

/**
 * Starts the pair for the calling test file before its tests, puts every
 * server back to ready at full weight after each test, and stops it all after.
 */
export function useHaproxyPair(): HaproxyPair {
  const ip = allocateSubnet();
  const pair: HaproxyPair = {
    ip,
    apps: [],
    haproxies: [],
    lbs: [
      { name: 'lb-a', address: ip(1) },
      { name: 'lb-b', address: ip(2) },
    ],
    runtime: undefined!,
    balancer: undefined!,
  };
  const { apps, haproxies, lbs } = pair;

  beforeAll(async () => {
    for (const n of [1, 2, 3]) apps.push(await startApp(`web-0${n}`, ip(10 + n)));
    // Both boxes share one admin port number on their own address, as real LB boxes would.
    const adminPort = await freePort(ip(1));
    const servers = apps.map(({ name, address, port }) => ({ name, address, port }));
    for (const n of [1, 2]) {
      haproxies.push(await startHaproxy({ bindAddress: ip(n), adminPort, backend: BACKEND, servers }));
    }
    pair.runtime = new TcpLbRuntime({ port: adminPort, timeoutMs: 2_000 });
    pair.balancer = new HaproxyLoadBalancer(pair.runtime, { pollIntervalMs: 20 });
    await waitFor('all servers UP on both boxes', async () => {
      const states = await Promise.all(lbs.map((lb) => pair.balancer.serverStates(lb, BACKEND)));
      return states.flat().every((s) => s.operational === 'UP');
    });
  });

  afterAll(async () => {
    await Promise.all(haproxies.map((h) => h.stop()));
    for (const app of apps) {
      app.server.closeAllConnections();
      await new Promise((resolve) => app.server.close(resolve));
    }
  });

  afterEach(async () => {
    for (const app of apps) await pair.balancer.enable(lbs, BACKEND, app.name, { percent: 100 });
  });

  return pair;
}
