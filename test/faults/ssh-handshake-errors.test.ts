import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { knownHostsFile } from '../../src/adapters/ssh/known-hosts-file.ts';
import { Ssh2RemoteHosts } from '../../src/adapters/ssh/remote-hosts.ts';
import { clientKey } from '../fleet/keys.ts';

// A host whose sshd dies or hangs during the SSH handshake can make ssh2 emit
// a second 'error' after connect() has rejected, with no listener left: an
// uncaught exception would take the whole worker process down. Here the peer
// is a bare TCP server that drops or stalls connections, so the failure is
// deterministic.

let dir: string;
let privateKey: string;
let server: Server;
let port: number;
let behaviour: (s: Socket) => void = () => {};
const uncaught: Error[] = [];
const record = (err: Error) => uncaught.push(err);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vesemir-faults-ssh-'));
  privateKey = readFileSync(clientKey(join(dir, 'client')).privateKeyPath, 'utf8');
  // Empty: the peers here never get as far as showing a host key.
  writeFileSync(join(dir, 'known_hosts'), '');
  server = createServer((s) => behaviour(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  process.on('uncaughtException', record);
});
afterEach(() => {
  uncaught.length = 0;
});
afterAll(async () => {
  process.removeListener('uncaughtException', record);
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function connectOnce(connectTimeoutMs: number): Promise<string> {
  const hosts = new Ssh2RemoteHosts({ port, privateKey, connectTimeoutMs, knownHosts: knownHostsFile(join(dir, 'known_hosts')) });
  const outcome = await hosts.connect({ name: 'flaky', address: '127.0.0.1' }).then(
    () => 'connected',
    (err: Error) => err.message,
  );
  // ssh2's late events come on the next turns of the loop.
  await new Promise((r) => setTimeout(r, 300));
  return outcome;
}

describe('SSH connect to a host that fails mid-handshake', () => {
  it('rejects once and raises nothing uncaught when the peer drops the connection', async () => {
    behaviour = (s) => s.destroy();
    expect(await connectOnce(2000)).toMatch(/flaky.*(lost|closed)/);
    expect(uncaught.map((e) => e.message)).toEqual([]);
  });

  it('rejects once and raises nothing uncaught when the peer stalls past the timeout', async () => {
    behaviour = (s) => setTimeout(() => s.destroy(), 1500);
    expect(await connectOnce(500)).toMatch(/flaky.*[Tt]imed out/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(uncaught.map((e) => e.message)).toEqual([]);
  });
});
