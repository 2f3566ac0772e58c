import { describe, expect, it } from 'vitest';
import { PooledRemoteHosts } from '../../src/adapters/ssh/pooled-remote-hosts.ts';
import type { Host, RemoteHosts, RemoteSession } from '../../src/domain/ports.ts';

/** A RemoteHosts whose sessions record what happens to them. */
function fakeHosts() {
  const sessions: { open: boolean; closed: number; failNext: boolean }[] = [];
  const hosts: RemoteHosts = {
    async connect() {
      const state = { open: true, closed: 0, failNext: false };
      sessions.push(state);
      const session: RemoteSession = {
        async exec() {
          if (state.failNext) throw new Error('connection lost');
          return { exitCode: 0, stdout: '', stderr: '', durationMs: 1 };
        },
        async upload() {},
        async spawn() {
          throw new Error('not used');
        },
        async close() {
          state.open = false;
          state.closed++;
        },
        isOpen: () => state.open,
      };
      return session;
    },
  };
  return { hosts, sessions };
}

const host: Host = { name: 'vm1', address: '127.0.0.9' };

describe('PooledRemoteHosts', () => {
  it('reuses one connection for steps one after another', async () => {
    const { hosts, sessions } = fakeHosts();
    const pool = new PooledRemoteHosts(hosts);
    for (let i = 0; i < 5; i++) {
      const s = await pool.connect(host);
      await s.exec(['true']);
      await s.close();
    }
    expect(sessions).toHaveLength(1);
    await pool.closeAll();
    expect(sessions[0]!.closed).toBe(1);
  });

  it('multiplexes concurrent steps up to the channel limit, then opens another connection', async () => {
    const { hosts, sessions } = fakeHosts();
    const pool = new PooledRemoteHosts(hosts, { maxChannelsPerConnection: 2 });
    const leases = await Promise.all([1, 2, 3].map(() => pool.connect(host)));
    expect(sessions).toHaveLength(2);
    await Promise.all(leases.map((l) => l.close()));
    await pool.closeAll();
  });

  it('drops a connection that failed a command or died, and reconnects', async () => {
    const { hosts, sessions } = fakeHosts();
    const pool = new PooledRemoteHosts(hosts);
    const a = await pool.connect(host);
    sessions[0]!.failNext = true;
    await expect(a.exec(['true'])).rejects.toThrow('connection lost');
    await a.close();
    expect(sessions[0]!.closed).toBe(1);
    const b = await pool.connect(host);
    expect(sessions).toHaveLength(2);
    await b.close();
    sessions[1]!.open = false; // the server hung up while idle
    const c = await pool.connect(host);
    expect(sessions).toHaveLength(3);
    await c.close();
    await pool.closeAll();
  });

  it('closes a connection left idle', async () => {
    const { hosts, sessions } = fakeHosts();
    const pool = new PooledRemoteHosts(hosts, { idleMs: 30 });
    await (await pool.connect(host)).close();
    await new Promise((r) => setTimeout(r, 80));
    expect(sessions[0]!.closed).toBe(1);
    await (await pool.connect(host)).close();
    expect(sessions).toHaveLength(2);
    await pool.closeAll();
  });
});
