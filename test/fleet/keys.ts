import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { knownHostsName } from '../../src/adapters/ssh/known-hosts.ts';
import { requireExecutable } from '../support/peers.ts';

/** An ed25519 key pair on disk and in memory. */
export interface KeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  privateKey: string;
  /** One line: `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
  /** `SHA256:…` as `ssh-keygen -l -E sha256` prints it. */
  fingerprint: string;
}

const sshKeygen = () => requireExecutable('ssh-keygen', ['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen']);

/** Generates an ed25519 key without passphrase at `path`, or reads the one already there. */
export function ensureKeyPair(path: string, comment: string): KeyPair {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    execFileSync(sshKeygen(), ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'pipe' });
  }
  const fingerprintLine = execFileSync(sshKeygen(), ['-l', '-E', 'sha256', '-f', `${path}.pub`], { encoding: 'utf8' });
  const fingerprint = /(SHA256:\S+)/.exec(fingerprintLine)?.[1];
  if (!fingerprint) throw new Error(`ssh-keygen printed no fingerprint for ${path}.pub: ${fingerprintLine}`);
  return {
    privateKeyPath: path,
    publicKeyPath: `${path}.pub`,
    privateKey: readFileSync(path, 'utf8'),
    publicKey: readFileSync(`${path}.pub`, 'utf8').trim(),
    fingerprint,
  };
}

/** The fleet's client key: the deployer logs in with it, key-only. */
export function clientKey(dir: string): KeyPair {
  return ensureKeyPair(join(dir, 'id_ed25519'), 'vesemir-deployer');
}

/** A host key in `dir/ssh_host_ed25519_key`, the file a fake VM's sshd serves. */
export function hostKey(dir: string, hostName: string): KeyPair {
  return ensureKeyPair(join(dir, 'ssh_host_ed25519_key'), `root@${hostName}`);
}

export interface KnownHostSpec {
  address: string;
  port: number;
  /** One public-key line (`type base64 [comment]`). */
  publicKey: string;
}

/** `[address]:port type key` per host (bare address on port 22), as OpenSSH writes them. */
export function knownHostsText(hosts: KnownHostSpec[]): string {
  return hosts
    .map(({ address, port, publicKey }) => {
      const [type, key] = publicKey.trim().split(/\s+/);
      return `${knownHostsName(address, port)} ${type} ${key}\n`;
    })
    .join('');
}

export function writeKnownHosts(path: string, hosts: KnownHostSpec[]): { path: string; contents: string } {
  const contents = knownHostsText(hosts);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  return { path, contents };
}
