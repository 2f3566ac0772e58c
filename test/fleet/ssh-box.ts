import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../src/domain/shell.ts';
import { requireExecutable } from '../support/peers.ts';
import { hostKey } from './keys.ts';
import { killProcessesMounting, mountsMentioning, stopPidNamespace } from './namespaces.ts';

/**
 * A "box": one sshd in its own mount namespace, with its own /etc and /opt
 * (overlays), /root, /run and /tmp. The fake VMs and the LB box are boxes.
 */
export interface SshBoxOptions {
  name: string;
  address: string;
  sshPort: number;
  /** Public key line allowed to log in as root. */
  authorizedKey: string;
  /** Holds ssh_host_ed25519_key(.pub); created there when missing. @default the box's own dir */
  hostKeyDir?: string;
  /** Fills the box's dirs (e.g. `opt-upper`, `etc-upper`) before it starts. */
  prepare?: (dirs: BoxDirs) => void;
  /** Host dirs bound into the box (after /run is mounted, so targets under /run work). */
  binds?: { source: string; target: string }[];
  /** Shell lines run inside the box after the mounts, just before sshd starts. */
  boot?: string[];
}

export interface BoxDirs {
  rootDir: string;
  /** Upper dir of /etc: a file at `etcUpper/x` shows as `/etc/x` inside. */
  etcUpper: string;
  /** Upper dir of /opt. */
  optUpper: string;
  /** Mounted over /root. */
  home: string;
}

export interface SshBox {
  name: string;
  address: string;
  sshPort: number;
  /** `ssh-ed25519 AAAA… comment` */
  hostPublicKey: string;
  hostKeyFingerprint: string;
  /** Host-side dir holding the box's overlays, home and sshd files. */
  rootDir: string;
  /** The last few KiB of sshd's log (stderr), to explain a refused login. */
  logTail(): string;
  /** Kills every process of the box, waits for them and removes rootDir. Idempotent. */
  stop(): Promise<void>;
}

/** Inside the box the control dir (sshd_config, host key, pid file) is here. */
const CONTROL = '/run/vesemir-box';
const CLEAN_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };

export function sshdConfig(address: string, sshPort: number): string {
  return `ListenAddress ${address}:${sshPort}
HostKey ${CONTROL}/ssh_host_ed25519_key
PidFile ${CONTROL}/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
MaxStartups 200
MaxSessions 100
Subsystem sftp internal-sftp
`;
}

export function boxScript(rootDir: string, binds: { source: string; target: string }[], boot: string[]): string {
  const r = shellQuote(rootDir);
  const overlay = (dir: string) => `mount -t overlay overlay -o lowerdir=/${dir},upperdir=${r}/${dir}-upper,workdir=${r}/${dir}-work /${dir}`;
  const bind = ({ source, target }: { source: string; target: string }) =>
    `mkdir -p ${shellQuote(target)} && mount --bind ${shellQuote(source)} ${shellQuote(target)}`;
  return [
    'set -e',
    overlay('etc'),
    overlay('opt'),
    `mount --bind ${r}/home /root`,
    'mount -t tmpfs -o mode=755 tmpfs /run',
    // sshd refuses to start without its privilege-separation dir
    'mkdir -p /run/sshd',
    bind({ source: `${rootDir}/control`, target: CONTROL }),
    ...binds.map(bind),
    // last: the host's /tmp (where rootDir usually lives) disappears from view here
    'mount -t tmpfs -o mode=1777 tmpfs /tmp',
    ...boot,
    `exec /usr/sbin/sshd -D -e -f ${CONTROL}/sshd_config`,
  ].join('\n');
}

export async function startSshBox(options: SshBoxOptions): Promise<SshBox> {
  const { name, address, sshPort } = options;
  const unshare = requireExecutable('unshare', ['/usr/bin/unshare']);
  const setpriv = requireExecutable('setpriv', ['/usr/bin/setpriv']);
  requireExecutable('sshd', ['/usr/sbin/sshd']);
  const rootDir = mkdtempSync(join(tmpdir(), `vesemir-box-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-`));
  const dirs: BoxDirs = { rootDir, etcUpper: join(rootDir, 'etc-upper'), optUpper: join(rootDir, 'opt-upper'), home: join(rootDir, 'home') };
  for (const dir of ['etc-upper', 'etc-work', 'opt-upper', 'opt-work', 'home/.ssh', 'control']) {
    mkdirSync(join(rootDir, dir), { recursive: true, mode: 0o755 });
  }
  writeFileSync(join(dirs.home, '.ssh/authorized_keys'), `${options.authorizedKey.trim()}\n`, { mode: 0o600 });
  const key = hostKey(options.hostKeyDir ?? join(rootDir, 'host-key'), name);
  copyFileSync(key.privateKeyPath, join(rootDir, 'control/ssh_host_ed25519_key'));
  writeFileSync(join(rootDir, 'control/sshd_config'), sshdConfig(address, sshPort));
  options.prepare?.(dirs);

  const script = boxScript(rootDir, options.binds ?? [], options.boot ?? []);
  // A PID namespace makes sshd its init: it reaps the box's orphans at once
  // and its death takes every process of the box along. pdeathsig and
  // --kill-child do the same if the test process dies without stop().
  const namespaces = ['--mount', '--propagation', 'private', '--pid', '--fork', '--mount-proc', '--kill-child'];
  const child = spawn(setpriv, ['--pdeathsig', 'KILL', unshare, ...namespaces, 'sh', '-c', script], {
    env: CLEAN_ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-65536);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const box: SshBox = {
    name,
    address,
    sshPort,
    hostPublicKey: key.publicKey,
    hostKeyFingerprint: key.fingerprint,
    rootDir,
    logTail: () => stderrTail,
    stop: async () => {
      if (stopped) return;
      if (child.exitCode === null && child.signalCode === null) await stopPidNamespace(child.pid, exited);
      await killProcessesMounting(rootDir); // nothing, unless something escaped the namespace
      await exited;
      const left = mountsMentioning(rootDir);
      if (left.length > 0) throw new Error(`box ${name}: mounts still present after stop:\n${left.join('\n')}`);
      rmSync(rootDir, { recursive: true, force: true });
      stopped = true;
    },
  };
  try {
    await waitForSshd(child, join(rootDir, 'control/sshd.pid'), () => stderrTail, name);
  } catch (err) {
    await box.stop().catch(() => {});
    throw err;
  }
  return box;
}

/** sshd writes its pid file once it listens; the box's script dying ends the wait early. */
async function waitForSshd(child: ChildProcess, pidFile: string, stderr: () => string, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(pidFile)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`box ${name} exited (${child.exitCode ?? child.signalCode}) before sshd was up:\n${stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`box ${name}: sshd not up after 10 s:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
