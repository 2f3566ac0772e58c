import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseKnownHosts } from '../../src/adapters/ssh/known-hosts.ts';
import { Ssh2RemoteHosts } from '../../src/adapters/ssh/remote-hosts.ts';
import { clientKey, knownHostsText } from './keys.ts';
import { allocateSubnet, freePort } from './net.ts';
import { type FakeVm, SERVICE_COMMAND, startVm } from './vm.ts';

const ip = allocateSubnet();
const dir = mkdtempSync(join(tmpdir(), 'vesemir-app-startup-'));
/** Long enough that the first probe after a (re)start lands inside it, even on a loaded box. */
const STARTUP_MS = 4000;
let vm: FakeVm | undefined;
let hosts: Ssh2RemoteHosts;

beforeAll(async () => {
  const key = clientKey(dir);
  const address = ip(2);
  vm = await startVm({
    name: 'slow1',
    address,
    sshPort: await freePort(address),
    app: { name: 'shop', port: await freePort(address), startupMs: STARTUP_MS },
    authorizedKey: key.publicKey,
  });
  const known = knownHostsText([{ address, port: vm.sshPort, publicKey: vm.hostPublicKey }]);
  hosts = new Ssh2RemoteHosts({ privateKey: key.privateKey, port: vm.sshPort, knownHosts: parseKnownHosts(known) });
}, 30_000);

afterAll(async () => {
  await vm?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The /health answers from now until the first 200: their statuses, in order, without repeats. */
async function healthUntilReady(): Promise<number[]> {
  const seen: number[] = [];
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const status = await fetch(`${vm!.appUrl}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 0 && seen.at(-1) !== status) seen.push(status);
    if (status === 200) return seen;
  }
  throw new Error(`/health never answered 200: ${seen.join(', ')}`);
}

it('an app with a startup time answers /health 503 after boot and after each restart, then 200', async () => {
  expect(await healthUntilReady()).toEqual([503, 200]);
  const session = await hosts.connect({ name: vm!.name, address: vm!.address });
  try {
    expect((await session.exec([SERVICE_COMMAND, 'restart'], { timeoutMs: 30_000 })).exitCode).toBe(0);
  } finally {
    await session.close();
  }
  expect(await healthUntilReady()).toEqual([503, 200]);
}, 60_000);
