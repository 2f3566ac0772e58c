import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allocateSubnet, freePort, waitFor } from '../test/fleet/net.ts';

/** Built once per machine by scripts/install-gotools.sh (github.com/Shopify/toxiproxy/v2 v2.5.0). */
export const TOXIPROXY_SERVER = fileURLToPath(new URL('../.tools/go/toxiproxy/server', import.meta.url));

export interface Toxiproxy {
  /** A proxy `name` listening on `listen` (host:port) in front of `upstream` (host:port). */
  proxy(name: string, listen: string, upstream: string): Promise<void>;
  /** Every proxy's one-way latency, added on both streams (0 removes it). */
  setLatency(oneWayMs: number, jitterMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Shopify's toxiproxy server on a free loopback port, driven through its HTTP API. */
export async function startToxiproxy(): Promise<Toxiproxy> {
  if (!existsSync(TOXIPROXY_SERVER)) {
    throw new Error(`${TOXIPROXY_SERVER} is missing: build it with scripts/install-gotools.sh (toxiproxy v2.5.0, once per machine)`);
  }
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(TOXIPROXY_SERVER, ['-host', '127.0.0.1', '-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (c: Buffer) => {
    output = (output + c.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  try {
    await waitFor('toxiproxy API', async () => (await fetch(`${api}/version`)).ok, 10_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}; toxiproxy said: ${output}`);
  }
  const names: string[] = [];
  return {
    async proxy(name, listen, upstream) {
      await call('POST', '/proxies', { name, listen, upstream, enabled: true });
      names.push(name);
    },
    async setLatency(oneWayMs, jitterMs = 0) {
      for (const name of names) {
        for (const stream of ['downstream', 'upstream'] as const) {
          const toxic = `latency_${stream}`;
          await call('DELETE', `/proxies/${name}/toxics/${toxic}`).catch(() => undefined);
          if (oneWayMs > 0) {
            await call('POST', `/proxies/${name}/toxics`, {
              name: toxic,
              type: 'latency',
              stream,
              toxicity: 1,
              attributes: { latency: oneWayMs, jitter: jitterMs },
            });
          }
        }
      }
    },
    stop,
  };
}

/**
 * A FleetOptions.reachVia that puts a proxy in front of each port of a box, on an
 * address of its own (a second loopback /24, same last octet): the deployer
 * keeps the box's ports and reaches every box only through toxiproxy.
 */
export function throughToxiproxy(toxiproxy: Toxiproxy): (box: { name: string; address: string; ports: number[] }) => Promise<string> {
  const ip = allocateSubnet();
  return async (box) => {
    const address = ip(Number(box.address.split('.').at(-1)));
    for (const port of box.ports) await toxiproxy.proxy(`${box.name}-${port}`, `${address}:${port}`, `${box.address}:${port}`);
    return address;
  };
}
