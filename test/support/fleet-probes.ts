import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import { parseServersState, showServersStateCommand } from '../../src/domain/haproxy.ts';
import type { LbServerState } from '../../src/domain/ports.ts';
import type { Fleet } from '../fleet/fleet.ts';

/** Reads `show servers state` from every LB box of the fleet over the TCP admin socket. */
export async function lbStates(fleet: Fleet): Promise<LbServerState[][]> {
  return Promise.all(
    fleet.haproxies.map(async (h, i) => {
      const runtime = new TcpLbRuntime({ port: h.adminPort });
      const box = fleet.lbBoxes[i]!;
      return parseServersState(await runtime.send({ name: box.name, address: h.bindAddress }, showServersStateCommand(fleet.app.backend)));
    }),
  );
}

/** Polls HAProxy every `intervalMs` and remembers the most servers seen out of READY at once. */
export function watchOutOfReady(fleet: Fleet, intervalMs = 40) {
  let max = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const states of await lbStates(fleet)) {
        max = Math.max(max, states.filter((s) => s.admin !== 'ready').length);
      }
      samples++;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { max, samples };
    },
  };
}

/** A client looping through the frontend; counts answers that were not 200. */
export function clientLoop(url: string) {
  let ok = 0;
  let failed = 0;
  const errors: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        await res.text();
        if (res.status === 200) ok++;
        else {
          failed++;
          errors.push(`HTTP ${res.status}`);
        }
      } catch (err) {
        failed++;
        errors.push((err as Error).message);
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failed, errors };
    },
  };
}

/** The fake app answers /health with 500 for a version while /etc/vesemir/broken-<version> exists on its VM (test/fleet/artifacts.ts). */
const brokenFile = (version: string) => `/etc/vesemir/broken-${version}`;

/** Makes these versions fail their health check on the VM. */
export async function breakHealth(fleet: Fleet, vm: string, ...versions: string[]): Promise<void> {
  const r = await fleet.exec(vm, ['sh', '-c', `mkdir -p /etc/vesemir && touch ${versions.map(brokenFile).join(' ')}`]);
  if (r.exitCode !== 0) throw new Error(`could not break ${versions.join(', ')} on ${vm}: ${r.stderr}`);
}

/** Lets these versions pass their health check on the VM again. */
export async function healHealth(fleet: Fleet, vm: string, ...versions: string[]): Promise<void> {
  const r = await fleet.exec(vm, ['rm', '-f', ...versions.map(brokenFile)]);
  if (r.exitCode !== 0) throw new Error(`could not heal ${versions.join(', ')} on ${vm}: ${r.stderr}`);
}
