import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKnownHosts } from '../../src/adapters/ssh/known-hosts.ts';
import { Ssh2RemoteHosts } from '../../src/adapters/ssh/remote-hosts.ts';
import type { Host, RemoteSession } from '../../src/domain/ports.ts';
import { clientKey, type KeyPair, knownHostsText } from '../fleet/keys.ts';
import { allocateSubnet, freePort, waitFor } from '../fleet/net.ts';
import { type FakeVm, startVm } from '../fleet/vm.ts';

const ip = allocateSubnet();
const dir = mkdtempSync(join(tmpdir(), 'vesemir-ssh-test-'));
let key: KeyPair;
let vms: FakeVm[] = [];
let sshPort: number;
let hosts: Ssh2RemoteHosts;
const sessions: RemoteSession[] = [];

const asHost = (vm: FakeVm): Host => ({ name: vm.name, address: vm.address });
const remoteHosts = (knownHosts: string, privateKey: string = key.privateKey) =>
  new Ssh2RemoteHosts({ privateKey, port: sshPort, knownHosts: parseKnownHosts(knownHosts), connectTimeoutMs: 5_000 });
async function open(vm: FakeVm): Promise<RemoteSession> {
  const session = await hosts.connect(asHost(vm));
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  key = clientKey(dir);
  // Host has no port: like real VMs, the whole fleet answers on one SSH port.
  sshPort = await freePort(ip(2));
  vms = await Promise.all(
    [2, 3].map(async (n) =>
      startVm({
        name: `vm${n - 1}`,
        address: ip(n),
        sshPort,
        app: { name: 'shop', port: await freePort(ip(n)) },
        authorizedKey: key.publicKey,
      }),
    ),
  );
  hosts = remoteHosts(knownHostsText(vms.map((vm) => ({ address: vm.address, port: sshPort, publicKey: vm.hostPublicKey }))));
});

afterAll(async () => {
  await Promise.allSettled(sessions.map((s) => s.close()));
  await Promise.all(vms.map((vm) => vm.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('Ssh2RemoteHosts exec', () => {
  it('captures exit code, stdout and stderr without throwing on failure', async () => {
    const session = await open(vms[0]!);
    const result = await session.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect((await session.exec(['cat'], { stdin: 'from stdin' })).stdout).toBe('from stdin');
  });

  it('quotes every argument: a shell payload stays one argument and runs nothing', async () => {
    const session = await open(vms[0]!);
    const payload = "x'; touch /tmp/pwned; echo '";
    const result = await session.exec(['printf', '%s\n', payload]);
    expect(result.stdout).toBe(`${payload}\n`);
    expect((await session.exec(['test', '-e', '/tmp/pwned'])).exitCode).toBe(1);
  });

  it('times out naming host and command, and the session still works', async () => {
    const session = await open(vms[0]!);
    const error = await session.exec(['sleep', '5'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'SshExecTimeout', host: 'vm1' });
    expect(String((error as Error).message)).toMatch(/vm1.*sleep 5/);
    expect((await session.exec(['echo', 'still here'])).stdout).toBe('still here\n');
    expect((await session.exec(['pgrep', '-x', 'sleep'])).exitCode).toBe(0);
    // the host kills it shortly after: nothing lingers on the VM
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await session.exec(['pgrep', '-x', 'sleep'])).exitCode).toBe(1);
  });

  it('keeps only the last MiB of a large output', async () => {
    const session = await open(vms[0]!);
    const result = await session.exec(['sh', '-c', "head -c 3000000 /dev/zero | tr '\\0' a; echo END"]);
    expect(result.stdout.length).toBe(1024 * 1024);
    expect(result.stdout.endsWith('aaaEND\n')).toBe(true);
  });

  it('runs a command round trip in milliseconds (Nagle off)', async () => {
    const session = await open(vms[1]!);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      await session.exec(['true']);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    // With Nagle on each exec waits ≈44 ms for delayed ACKs.
    expect(times[7]).toBeLessThan(30);
  });
});

describe('Ssh2RemoteHosts spawn', () => {
  it('keeps a command running with stdin open: a conversation of many lines on one channel', async () => {
    const session = await open(vms[0]!);
    const process = await session.spawn(['cat']);
    let output = '';
    process.onOutput((chunk) => {
      output += chunk;
    });
    const ended = new Promise<string>((resolve) => process.onEnd(resolve));
    for (const line of ['first', 'second', 'third']) {
      process.write(`${line}\n`);
      await waitFor(`cat to echo ${line}`, () => output.endsWith(`${line}\n`), 5_000);
    }
    expect(output).toBe('first\nsecond\nthird\n');
    process.close();
    expect(await ended).toMatch(/^exit 0|channel closed/);
    // The connection itself stays usable.
    expect((await session.exec(['echo', 'after'])).stdout).toBe('after\n');
  });

  it('reports how the command ended, with its stderr', async () => {
    const session = await open(vms[1]!);
    const process = await session.spawn(['sh', '-c', 'echo cannot connect >&2; exit 4']);
    expect(await new Promise<string>((resolve) => process.onEnd(resolve))).toBe('exit 4: cannot connect');
    // A late write to the ended command is dropped, not thrown.
    expect(() => process.write('ignored\n')).not.toThrow();
  });
});

describe('Ssh2RemoteHosts upload', () => {
  it('uploads over SFTP with the given mode on both VMs, each in its own /opt', async () => {
    for (const vm of vms) {
      const session = await open(vm);
      await session.upload(Buffer.from(`hello ${vm.name}\n`), `/opt/x-${vm.name}`, 0o640);
      const stat = await session.exec(['stat', '-c', '%a %s', `/opt/x-${vm.name}`]);
      expect(stat.stdout.trim()).toBe(`640 ${`hello ${vm.name}\n`.length}`);
      expect((await session.exec(['cat', `/opt/x-${vm.name}`])).stdout).toBe(`hello ${vm.name}\n`);
    }
    const other = await open(vms[1]!);
    expect((await other.exec(['test', '-e', '/opt/x-vm1'])).exitCode).toBe(1);
    expect(existsSync('/opt/x-vm1')).toBe(false);
    expect(existsSync('/opt/x-vm2')).toBe(false);
  });

  it('reports a failed upload naming host and path', async () => {
    const session = await open(vms[0]!);
    const error = await session.upload(Buffer.from('x'), '/no/such/dir/file').catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'SshUpload', host: 'vm1', remotePath: '/no/such/dir/file' });
  });
});

describe('Ssh2RemoteHosts host keys and connection errors', () => {
  it('refuses a host whose key differs from the pinned one, before any command runs', async () => {
    const [vm1, vm2] = [vms[0]!, vms[1]!];
    const impostorPinned = remoteHosts(knownHostsText([{ address: vm1.address, port: sshPort, publicKey: vm2.hostPublicKey }]));
    const error = await impostorPinned
      .connect(asHost(vm1))
      .then((s) => s.exec(['touch', '/tmp/marker-mismatch']))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      type: 'HostKeyMismatch',
      host: 'vm1',
      address: vm1.address,
      expected: [vm2.hostKeyFingerprint],
      actual: vm1.hostKeyFingerprint,
    });
    expect((error as Error).message).toContain('vm1');
    const session = await open(vm1);
    expect((await session.exec(['test', '-e', '/tmp/marker-mismatch'])).exitCode).toBe(1);
  });

  it('refuses a host that is not in known_hosts', async () => {
    const vm2 = vms[1]!;
    const onlyVm1 = remoteHosts(knownHostsText([{ address: vms[0]!.address, port: sshPort, publicKey: vms[0]!.hostPublicKey }]));
    const error = await onlyVm1.connect(asHost(vm2)).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'HostKeyUnknown', host: 'vm2', expected: [], actual: vm2.hostKeyFingerprint });
    expect((error as Error).message).toContain('vm2');
  });

  it('refuses a revoked key even when it is also pinned', async () => {
    const vm1 = vms[0]!;
    const line = knownHostsText([{ address: vm1.address, port: sshPort, publicKey: vm1.hostPublicKey }]);
    const error = await remoteHosts(`${line}@revoked ${line}`)
      .connect(asHost(vm1))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'HostKeyMismatch', actual: vm1.hostKeyFingerprint });
  });

  it('names host and address when nothing listens', async () => {
    const error = await hosts.connect({ name: 'ghost', address: ip(250) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'SshConnect', host: 'ghost', address: ip(250) });
    expect((error as Error).message).toMatch(new RegExp(`ghost.*${ip(250).replaceAll('.', '\\.')}`));
  });

  it('fails authentication with a key the VM does not know', async () => {
    const stranger = clientKey(join(dir, 'stranger'));
    const known = knownHostsText(vms.map((vm) => ({ address: vm.address, port: sshPort, publicKey: vm.hostPublicKey })));
    const error = await remoteHosts(known, stranger.privateKey)
      .connect(asHost(vms[0]!))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'SshConnect', host: 'vm1' });
  });
});

describe('parseKnownHosts', () => {
  it('computes the fingerprints ssh-keygen prints, for [addr]:port and bare entries', () => {
    const file = join(dir, 'known_hosts_plain');
    const vm = vms[0]!;
    writeFileSync(file, `# comment\n\n${knownHostsText([{ address: vm.address, port: 2222, publicKey: vm.hostPublicKey }])}`);
    const keygen = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' });
    const parsed = parseKnownHosts(`${vm.address},other.example ${vm.hostPublicKey}\n[${vm.address}]:2222 ${vm.hostPublicKey}`);
    expect(keygen).toContain(parsed.fingerprintsFor(vm.address, 2222)[0]!);
    expect(parsed.fingerprintsFor(vm.address, 22)).toEqual([vm.hostKeyFingerprint]);
    expect(parsed.fingerprintsFor('other.example', 22)).toEqual([vm.hostKeyFingerprint]);
    expect(parsed.fingerprintsFor(vm.address, 2223)).toEqual([]);
    expect(parsed.keysFor(vm.address, 2222)).toEqual([{ keyType: 'ssh-ed25519', fingerprint: vm.hostKeyFingerprint }]);
  });

  it('matches hashed entries, wildcards and negations', () => {
    const [vm1, vm2] = [vms[0]!, vms[1]!];
    const file = join(dir, 'known_hosts_hashed');
    writeFileSync(file, knownHostsText([{ address: vm1.address, port: 2200, publicKey: vm1.hostPublicKey }]));
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'pipe' });
    const hashed = execFileSync('cat', [file], { encoding: 'utf8' });
    expect(hashed).toMatch(/^\|1\|/);
    const parsed = parseKnownHosts(`${hashed}*.web.example,!bad.web.example ${vm2.hostPublicKey}\n`);
    expect(parsed.fingerprintsFor(vm1.address, 2200)).toEqual([vm1.hostKeyFingerprint]);
    expect(parsed.fingerprintsFor(vm1.address, 22)).toEqual([]);
    expect(parsed.fingerprintsFor('a.web.example', 22)).toEqual([vm2.hostKeyFingerprint]);
    expect(parsed.fingerprintsFor('bad.web.example', 22)).toEqual([]);
  });
});
