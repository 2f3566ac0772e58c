import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './net.ts';

describe('freePort', () => {
  it('picks a port below the kernel ephemeral range that a peer can then bind', async () => {
    const [ephemeralFrom] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const port = await freePort('127.0.0.1');
    expect(port).toBeGreaterThan(1023);
    expect(port).toBeLessThan(ephemeralFrom!);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((r) => server.close(r));
  });
});
