import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';

/**
 * Every fleet gets its own 127.A.B.0/24 so that test files running in
 * parallel never share an address; the whole 127/8 routes to loopback.
 */
export function allocateSubnet(): (n: number) => string {
  const a = randomInt(100, 250);
  const b = randomInt(0, 256);
  return (n: number) => `127.${a}.${b}.${n}`;
}

/** Asks the kernel for a free TCP port on `address`. */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const info = server.address();
      const port = typeof info === 'object' && info ? info.port : 0;
      server.close(() => resolve(port));
    });
  });
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
