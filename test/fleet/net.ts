import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Every fleet gets its own 127.A.B.0/24 so that test files running in
 * parallel never share an address; the whole 127/8 routes to loopback.
 */
export function allocateSubnet(): (n: number) => string {
  const a = randomInt(100, 250);
  const b = randomInt(0, 256);
  return (n: number) => `127.${a}.${b}.${n}`;
}

/**
 * Where freePort picks from: below the kernel's ephemeral range (32768 and up,
 * /proc/sys/net/ipv4/ip_local_port_range), so that no `listen(0)` or outgoing
 * connection of a test running in parallel can take the port between the pick
 * and the peer's own bind, seconds later (the peer would fail on "Address
 * already in use"). Only another explicit pick can, and it checks.
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_767;

/** A TCP port free on `address` now, for a peer that binds it later. */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = randomInt(PICK_FROM, PICK_TO + 1);
    const free = await new Promise<boolean>((resolve, reject) => {
      const server = createServer();
      server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err)));
      server.listen(port, address, () => server.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt >= 100) throw new Error(`no free port on ${address} in ${PICK_FROM}–${PICK_TO} after ${attempt} tries`);
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
