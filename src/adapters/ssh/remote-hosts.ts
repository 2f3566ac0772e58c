import { type Socket, connect as tcpConnect } from 'node:net';
import { Client } from 'ssh2';
import type { Host, RemoteHosts, RemoteSession } from '../../domain/ports.ts';
import { HostKeyMismatchError, HostKeyUnknownError, SshConnectError } from './errors.ts';
import { type KnownHosts, sha256Fingerprint } from './known-hosts.ts';
import { Ssh2Session } from './session.ts';

export interface Ssh2RemoteHostsOptions {
  /** @default 'root' */
  username?: string;
  /** Private key (OpenSSH or PEM); key-only auth, no passwords. */
  privateKey: string | Buffer;
  /** @default 22 */
  port?: number;
  /** The pinned host keys; a host without an entry is refused. */
  knownHosts: KnownHosts;
  /** TCP connect plus SSH handshake and auth. @default 10000 */
  connectTimeoutMs?: number;
  /** 0 disables keepalives. @default 15000 */
  keepaliveIntervalMs?: number;
}

/** Host-key algorithms ssh2 knows, in its default order of preference. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/**
 * RemoteHosts over ssh2 with pinned host keys: a host whose key is not in
 * known_hosts, or differs from the pinned one, is refused before
 * authentication, so no command can reach an impostor.
 */
export class Ssh2RemoteHosts implements RemoteHosts {
  private readonly username: string;
  private readonly port: number;
  private readonly connectTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;

  constructor(private readonly options: Ssh2RemoteHostsOptions) {
    this.username = options.username ?? 'root';
    this.port = options.port ?? 22;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.keepaliveIntervalMs = options.keepaliveIntervalMs ?? 15_000;
  }

  async connect(host: Host): Promise<RemoteSession> {
    const { address } = host;
    const port = this.port;
    const failure = (reason: string, cause?: unknown) => new SshConnectError({ host: host.name, address, port, reason, cause });
    const deadline = Date.now() + this.connectTimeoutMs;
    const sock = await this.openSocket(address, port, failure);
    const pinned = this.options.knownHosts.keysFor(address, port);
    const client = new Client();
    // The verifier runs inside ssh2; it records why it refused so the handshake error can be replaced.
    let refusal: Error | undefined;
    const hostVerifier = (key: Buffer): boolean => {
      const actual = sha256Fingerprint(key);
      const expected = pinned.map((k) => k.fingerprint);
      if (this.options.knownHosts.isRevoked(address, port, actual)) {
        refusal = new HostKeyMismatchError({ host: host.name, address, port, expected, actual, revoked: true });
      } else if (expected.length === 0) {
        refusal = new HostKeyUnknownError({ host: host.name, address, port, actual });
      } else if (!expected.includes(actual)) {
        refusal = new HostKeyMismatchError({ host: host.name, address, port, expected, actual });
      }
      return refusal === undefined;
    };
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        // `on`, not `once`: ssh2 can emit a second error after a failed handshake
        // ("Connection lost before handshake"); unheard, it would crash the worker.
        client.on('error', (err) => reject(refusal ?? failure(err.message, err)));
        client.once('close', () => reject(refusal ?? failure('connection closed during handshake')));
        client.connect({
          sock,
          username: this.username,
          privateKey: this.options.privateKey,
          hostVerifier,
          readyTimeout: Math.max(1, deadline - Date.now()),
          keepaliveInterval: this.keepaliveIntervalMs,
          algorithms: { serverHostKey: preferPinnedTypes(pinned.map((k) => k.keyType)) as never },
        });
      });
    } catch (err) {
      client.on('error', () => undefined);
      client.end();
      sock.destroy();
      throw err;
    }
    return new Ssh2Session(client, host, port);
  }

  /** Our own socket so Nagle can be turned off: ≈44 ms → ≈1 ms per exec round trip. */
  private openSocket(address: string, port: number, failure: (reason: string, cause?: unknown) => Error): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const sock = tcpConnect({ host: address, port });
      sock.setNoDelay(true);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(failure(`TCP connect timed out after ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        resolve(sock);
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(failure(err.message, err));
      });
    });
  }
}

/**
 * Negotiate a key type we have pinned first; the others stay allowed so a host
 * that changed its key type still reports a proper mismatch.
 */
function preferPinnedTypes(keyTypes: string[]): string[] {
  const preferred = HOST_KEY_ALGORITHMS.filter((algo) => keyTypes.some((type) => type === algo || (type === 'ssh-rsa' && algo.startsWith('rsa-sha2-'))));
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((algo) => !preferred.includes(algo))];
}
