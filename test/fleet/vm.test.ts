import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKnownHosts } from '../../src/adapters/ssh/known-hosts.ts';
import { Ssh2RemoteHosts } from '../../src/adapters/ssh/remote-hosts.ts';
import type { RemoteSession } from '../../src/domain/ports.ts';
import { type ArtifactServer, buildRelease, type ReleaseBehaviour, startArtifactServer } from './artifacts.ts';
import { clientKey, knownHostsText } from './keys.ts';
import { type LbBox, startLbBox } from './lb-box.ts';
import { mountsMentioning, pidsWithMountsOf } from './namespaces.ts';
import { allocateSubnet, freePort } from './net.ts';
import { type FakeVm, SERVICE_COMMAND, startVm } from './vm.ts';

const ip = allocateSubnet();
const dir = mkdtempSync(join(tmpdir(), 'vesemir-vm-test-'));
const artifactsDir = join(dir, 'artifacts');
const socketDir = join(dir, 'haproxy-run');
let vms: FakeVm[] = [];
let lb: LbBox | undefined;
let echoServer: Server | undefined;
let artifacts: ArtifactServer | undefined;
let hosts: Ssh2RemoteHosts;
const sessions: RemoteSession[] = [];

async function open(box: { name: string; address: string }): Promise<RemoteSession> {
  const session = await hosts.connect({ name: box.name, address: box.address });
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  const key = clientKey(dir);
  const sshPort = await freePort(ip(2));
  // Stands in for HAProxy's admin socket: answers every line with "echo: <line>".
  mkdirSync(socketDir);
  echoServer = createServer((c) => c.on('data', (d) => c.end(`echo: ${d}`)));
  await new Promise<void>((resolve) => echoServer!.listen(join(socketDir, 'admin.sock'), resolve));
  [vms, lb] = await Promise.all([
    Promise.all(
      [2, 3].map(async (n) =>
        startVm({
          name: `web${n - 1}`,
          address: ip(n),
          sshPort,
          app: { name: 'shop', port: await freePort(ip(n)) },
          authorizedKey: key.publicKey,
          // The second says what the default catalog's ubuntu-22.04 image would.
          ...(n === 3 ? { osVersion: 'ubuntu-22.04' } : {}),
        }),
      ),
    ),
    startLbBox({ name: 'lb1', address: ip(10), sshPort, authorizedKey: key.publicKey, haproxySocketDir: socketDir }),
  ]);
  const known = knownHostsText([...vms, lb].map((b) => ({ address: b.address, port: sshPort, publicKey: b.hostPublicKey })));
  hosts = new Ssh2RemoteHosts({ privateKey: key.privateKey, port: sshPort, knownHosts: parseKnownHosts(known) });
  artifacts = await startArtifactServer(artifactsDir);
}, 30_000);

afterAll(async () => {
  await Promise.allSettled(sessions.map((s) => s.close()));
  await Promise.all([...vms, ...(lb ? [lb] : [])].map((b) => b.stop()));
  await artifacts?.stop();
  echoServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a deploy does, by hand: fetch, upload, unpack, switch, restart. */
async function deploy(session: RemoteSession, version: string, behaviour: ReleaseBehaviour) {
  const release = await buildRelease({ version, behaviour, appName: 'shop', dir: artifactsDir });
  const fetched = Buffer.from(await (await fetch(artifacts!.url(release.fileName))).arrayBuffer());
  await session.upload(fetched, `/tmp/${release.fileName}`);
  const sha = await session.exec(['sha256sum', `/tmp/${release.fileName}`]);
  expect(sha.stdout.split(' ')[0]).toBe(release.sha256);
  for (const argv of [
    ['mkdir', '-p', `/opt/shop/releases/${version}`],
    ['tar', '-xzf', `/tmp/${release.fileName}`, '-C', `/opt/shop/releases/${version}`],
    ['ln', '-sfn', `releases/${version}`, '/opt/shop/current'],
  ]) {
    expect((await session.exec(argv)).exitCode).toBe(0);
  }
  return await session.exec([SERVICE_COMMAND, 'restart']);
}

async function health(vm: FakeVm): Promise<{ status: number; body: string }> {
  const response = await fetch(`${vm.appUrl}/health`);
  return { status: response.status, body: await response.text() };
}

describe('fake VMs', () => {
  it('boot with v1 installed and serving', async () => {
    for (const vm of vms) {
      expect(await health(vm)).toEqual({ status: 200, body: '{"status":"ok","version":"v1"}' });
      expect(await (await fetch(`${vm.appUrl}/`)).text()).toBe(`shop v1 on ${vm.name}\n`);
      const session = await open(vm);
      expect((await session.exec(['readlink', '/opt/shop/current'])).stdout).toBe('releases/v1\n');
      expect((await session.exec([SERVICE_COMMAND, 'status'])).stdout).toMatch(/shop running \(pid \d+, releases\/v1\)/);
    }
  });

  it('say in /etc/os-release which OS version they were made with, each its own', async () => {
    const [one, two] = [await open(vms[0]!), await open(vms[1]!)];
    expect((await one.exec(['cat', '/etc/os-release'])).stdout).toContain('VERSION_ID="12"\nVERSION="12"\nID=debian\n');
    const ubuntu = (await two.exec(['cat', '/etc/os-release'])).stdout;
    expect(ubuntu).toContain('NAME="Ubuntu"');
    expect(ubuntu).toContain('VERSION_ID="22.04"');
    expect(ubuntu).toContain('ID=ubuntu');
    expect(vms.map((vm) => vm.osVersion)).toEqual(['debian-12', 'ubuntu-22.04']);
  });

  it('keep /opt, /etc and /root apart from each other and from the host', async () => {
    const [one, two] = [await open(vms[0]!), await open(vms[1]!)];
    expect((await one.exec(['sh', '-c', 'echo 1 > /opt/x && echo 1 > /etc/vesemir/x && echo 1 > /root/x'])).exitCode).toBe(0);
    expect((await two.exec(['sh', '-c', 'test -e /opt/x || test -e /etc/vesemir/x || test -e /root/x'])).exitCode).toBe(1);
    expect(existsSync('/opt/x') || existsSync('/etc/vesemir')).toBe(false);
  });

  it('roll forward, fail loudly on a crashing release, and come back', async () => {
    const session = await open(vms[0]!);
    const v2 = await deploy(session, 'v2', 'healthy');
    expect(v2.exitCode, v2.stderr).toBe(0);
    expect(await health(vms[0]!)).toEqual({ status: 200, body: '{"status":"ok","version":"v2"}' });

    const crash = await deploy(session, 'v3', 'crash');
    expect(crash.exitCode, crash.stdout).not.toBe(0);
    expect(crash.stderr).toContain('releases/v3 died right after start');
    expect(crash.stderr).toContain('broken on purpose');
    expect((await session.exec([SERVICE_COMMAND, 'status'])).exitCode).toBe(3);

    const unhealthy = await deploy(session, 'v4', 'unhealthy');
    expect(unhealthy.exitCode, unhealthy.stderr).toBe(0);
    expect((await health(vms[0]!)).status).toBe(500);

    await session.exec(['ln', '-sfn', 'releases/v1', '/opt/shop/current']);
    expect((await session.exec([SERVICE_COMMAND, 'restart'])).exitCode).toBe(0);
    expect(await health(vms[0]!)).toEqual({ status: 200, body: '{"status":"ok","version":"v1"}' });
    // the other VM never noticed
    expect((await health(vms[1]!)).body).toContain('"v1"');
  });
});

describe('artifacts', () => {
  it('builds reproducible archives and serves only files of its dir', async () => {
    const a = await buildRelease({ version: 'v9', appName: 'shop', dir: artifactsDir });
    const b = await buildRelease({ version: 'v9', appName: 'shop', dir: artifactsDir });
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(await (await fetch(artifacts!.url(a.fileName))).arrayBuffer()).equals(a.bytes)).toBe(true);
    expect((await fetch(artifacts!.url('missing.tar.gz'))).status).toBe(404);
    expect((await fetch(`${artifacts!.baseUrl}/..%2Fhaproxy-run%2Fadmin.sock`)).status).toBe(404);
  });
});

describe('LB box', () => {
  it('reaches the host socket dir at /run/haproxy through socat', async () => {
    const session = await open(lb!);
    const result = await session.exec(['socat', 'stdio', '/run/haproxy/admin.sock'], { stdin: 'show info\n' });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'echo: show info\n' });
  });
});

describe('stop', () => {
  it('leaves no process, no mount and no dir behind', async () => {
    const boxes = [...vms, lb!];
    const boxPids = boxes.flatMap((b) => pidsWithMountsOf(b.rootDir));
    const commands = boxPids.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    // the checks below can see a running box: sshd and the apps
    expect(commands.filter((c) => c.includes('sshd')).length).toBeGreaterThanOrEqual(boxes.length);
    expect(commands.filter((c) => c.includes('server.js')).length).toBe(vms.length);
    for (const box of boxes) expect(mountsMentioning(box.rootDir).length).toBeGreaterThanOrEqual(2);
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all(boxes.map((b) => b.stop()));
    for (const box of boxes) {
      expect(mountsMentioning(box.rootDir)).toEqual([]);
      expect(existsSync(box.rootDir)).toBe(false);
    }
    // not even zombies: nothing is left for the host's pid 1 to reap
    expect(boxPids.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain('vesemir-box-');
    await expect(fetch(`${vms[0]!.appUrl}/health`)).rejects.toThrow();
  });
});
