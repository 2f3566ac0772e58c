import type { ExecOptions, ExecResult, Host, RemoteHosts, RemoteSession } from '../../domain/ports.ts';

export interface PoolOptions {
  /** Channels one connection carries at once before another is opened (sshd's MaxSessions is 10). @default 6 */
  maxChannelsPerConnection?: number;
  /** An unused connection is closed after this long. @default 15000 */
  idleMs?: number;
}

interface Entry {
  session: Promise<RemoteSession>;
  active: number;
  dead: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Keeps SSH connections open between steps and multiplexes concurrent steps
 * over them as channels, like OpenSSH's ControlPersist: a drain on an LB box
 * costs one exec round trip (≈1 ms) instead of a TCP + SSH handshake each
 * time. Host keys were verified when the connection was made; a connection
 * that dies or fails a command is dropped and the next step opens a new one.
 */
export class PooledRemoteHosts implements RemoteHosts {
  private readonly pools = new Map<string, Entry[]>();
  private readonly maxChannels: number;
  private readonly idleMs: number;

  constructor(
    private readonly inner: RemoteHosts,
    options: PoolOptions = {},
  ) {
    this.maxChannels = options.maxChannelsPerConnection ?? 6;
    this.idleMs = options.idleMs ?? 15_000;
  }

  async connect(host: Host): Promise<RemoteSession> {
    const key = `${host.name}@${host.address}`;
    const entries = this.pools.get(key) ?? [];
    this.pools.set(key, entries);
    let entry = entries.find((e) => !e.dead && e.active < this.maxChannels);
    if (!entry) {
      entry = { session: this.inner.connect(host), active: 0, dead: false, idleTimer: undefined };
      entries.push(entry);
    }
    entry.active++;
    clearTimeout(entry.idleTimer);
    let session: RemoteSession;
    try {
      session = await entry.session;
    } catch (err) {
      this.drop(key, entry);
      throw err;
    }
    if (session.isOpen?.() === false) {
      this.drop(key, entry);
      return this.connect(host);
    }
    return this.lease(key, entry, session);
  }

  /** Closes every pooled connection (at worker shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.pools.values()].flat();
    this.pools.clear();
    await Promise.all(all.map(async (e) => (await e.session.catch(() => undefined))?.close()));
  }

  private lease(key: string, entry: Entry, session: RemoteSession): RemoteSession {
    let returned = false;
    const guard = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (err) {
        // A transport failure (not a non-zero exit: exec resolves those): never reuse this connection.
        this.drop(key, entry);
        throw err;
      }
    };
    return {
      exec: (argv: readonly string[], options?: ExecOptions): Promise<ExecResult> => guard(() => session.exec(argv, options)),
      upload: (data: Buffer, remotePath: string, mode?: number) => guard(() => session.upload(data, remotePath, mode)),
      spawn: (argv: readonly string[]) => guard(() => session.spawn(argv)),
      isOpen: () => !entry.dead && session.isOpen?.() !== false,
      close: async () => {
        if (returned) return;
        returned = true;
        entry.active--;
        if (entry.dead && entry.active === 0) await session.close();
        else if (entry.active === 0) {
          entry.idleTimer = setTimeout(() => this.expire(key, entry), this.idleMs);
          entry.idleTimer.unref();
        }
      },
    };
  }

  private expire(key: string, entry: Entry): void {
    if (entry.active > 0) return;
    this.drop(key, entry);
  }

  private drop(key: string, entry: Entry): void {
    entry.dead = true;
    const entries = this.pools.get(key);
    if (!entries) return;
    const i = entries.indexOf(entry);
    if (i >= 0) entries.splice(i, 1);
    if (entries.length === 0) this.pools.delete(key);
    if (entry.active === 0) void entry.session.then((s) => s.close()).catch(() => undefined);
  }
}
