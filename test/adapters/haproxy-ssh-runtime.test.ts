import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SshLbRuntime } from '../../src/adapters/haproxy/ssh-runtime.ts';
import { parseServersState } from '../../src/domain/haproxy.ts';
import type { Host, RemoteHosts, RemoteSession } from '../../src/domain/ports.ts';
import { waitFor } from '../fleet/net.ts';
import { requireExecutable } from '../support/peers.ts';
import { useHaproxyPair } from './haproxy-pair.ts';

const { haproxies, lbs } = useHaproxyPair();

/** RemoteHosts that runs every command on this machine, as if the LB box were local, and records what it spawned and wrote. */
class LocalHosts implements RemoteHosts {
  readonly spawned: { host: string; argv: readonly string[]; process: ChildProcess }[] = [];
  /** Everything written to each spawned process's stdin, in order. */
  readonly written: string[] = [];
  closed = 0;
  constructor(private readonly rewrite: (argv: readonly string[]) => readonly string[] = (argv) => argv) {}
  async connect(host: Host): Promise<RemoteSession> {
    return {
      exec: async () => {
        throw new Error('not used');
      },
      upload: async () => {
        throw new Error('not used');
      },
      spawn: async (argv: readonly string[]) => {
        const [file, ...args] = this.rewrite(argv);
        const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        this.spawned.push({ host: host.name, argv, process: child });
        // A box that is gone refuses writes; its end is reported through onEnd.
        child.stdin.on('error', () => undefined);
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const ended = new Promise<string>((resolve) => child.once('close', (code) => resolve(`exit ${code}${stderr ? `: ${stderr.trim()}` : ''}`)));
        return {
          write: (text: string) => {
            this.written.push(text);
            child.stdin.write(text);
          },
          onOutput: (listener: (chunk: string) => void) => child.stdout.on('data', (chunk: Buffer) => listener(chunk.toString())),
          onEnd: (listener: (reason: string) => void) => void ended.then(listener),
          close: () => {
            child.stdin.end();
            child.kill();
          },
        };
      },
      close: async () => {
        this.closed += 1;
      },
    };
  }
}

describe('SshLbRuntime', () => {
  it('keeps one socat per LB box in interactive mode and returns each answer as one-shot socat would', async () => {
    requireExecutable('socat', ['/usr/bin/socat', '/usr/local/bin/socat']);
    const hosts = new LocalHosts();
    const ssh = new SshLbRuntime(hosts, { socketPath: haproxies[1]!.socketPath });
    const lbB = lbs[1]!;
    expect(await ssh.send(lbB, 'set weight app/web-03 10%')).toBe('\n');
    const states = parseServersState(await ssh.send(lbB, 'show servers state app'));
    expect(states.find((s) => s.server === 'web-03')).toMatchObject({ weight: 10 });
    expect(await ssh.send(lbB, 'set server app/nope state ready')).toMatch(/No such server/);
    expect(hosts.spawned.map((p) => ({ host: p.host, argv: p.argv }))).toEqual([{ host: 'lb-b', argv: ['socat', 'stdio', haproxies[1]!.socketPath] }]);
    expect(hosts.written).toEqual(['prompt\n', 'set weight app/web-03 10%\n', 'show servers state app\n', 'set server app/nope state ready\n']);
    await ssh.close();
    expect(hosts.closed).toBe(1);
  });

  it('matches each answer to its command when many are sent at once', async () => {
    const hosts = new LocalHosts();
    const ssh = new SshLbRuntime(hosts, { socketPath: haproxies[0]!.socketPath });
    const lbA = lbs[0]!;
    const weights = [11, 12, 13, 14, 15, 16];
    const answers = await Promise.all(weights.flatMap((w) => [ssh.send(lbA, `set weight app/web-01 ${w}%`), ssh.send(lbA, 'show servers state app')]));
    answers.forEach((answer, i) => {
      if (i % 2 === 0) expect(answer).toBe('\n');
      else expect(parseServersState(answer).find((s) => s.server === 'web-01')?.weight).toBe(weights[(i - 1) / 2]);
    });
    expect(hosts.spawned).toHaveLength(1);
    await ssh.send(lbA, 'set weight app/web-01 100%');
    await ssh.close();
  });

  it('opens a fresh conversation when the old one ended (HAProxy idle timeout, lost channel)', async () => {
    const hosts = new LocalHosts();
    const ssh = new SshLbRuntime(hosts, { socketPath: haproxies[1]!.socketPath });
    const lbB = lbs[1]!;
    await ssh.send(lbB, 'show servers state app');
    const first = hosts.spawned[0]!.process;
    first.kill();
    await new Promise((resolve) => first.once('close', resolve));
    expect(parseServersState(await ssh.send(lbB, 'show servers state app')).length).toBe(3);
    expect(hosts.spawned).toHaveLength(2);
    await ssh.close();
    expect(hosts.closed).toBe(2);
  });

  it('closes an idle conversation and reopens on the next command', async () => {
    const hosts = new LocalHosts();
    const ssh = new SshLbRuntime(hosts, { socketPath: haproxies[1]!.socketPath, idleMs: 50 });
    await ssh.send(lbs[1]!, 'show servers state app');
    await waitFor('the idle conversation to close', () => hosts.closed === 1, 5000);
    await ssh.send(lbs[1]!, 'show servers state app');
    expect(hosts.spawned).toHaveLength(2);
    await ssh.close();
  });

  it('uses /run/haproxy/admin.sock by default and reports socat failing with its stderr and the LB name', async () => {
    requireExecutable('socat', ['/usr/bin/socat', '/usr/local/bin/socat']);
    // Run on this machine, where no HAProxy listens on the default path.
    const hosts = new LocalHosts((argv) => argv.map((a) => (a === '/run/haproxy/admin.sock' ? '/nonexistent/haproxy/admin.sock' : a)));
    const ssh = new SshLbRuntime(hosts);
    await expect(ssh.send({ name: 'lb-x', address: '10.0.0.9' }, 'show stat')).rejects.toThrow(
      /lb-x via socat \/run\/haproxy\/admin.sock: 'show stat': socat ended before HAProxy answered: exit 1: .*No such file or directory/,
    );
    // Tried twice (a conversation that ended is retried once), both sessions given back.
    expect(hosts.spawned.map((p) => p.argv)).toEqual([
      ['socat', 'stdio', '/run/haproxy/admin.sock'],
      ['socat', 'stdio', '/run/haproxy/admin.sock'],
    ]);
    expect(hosts.closed).toBe(2);
  });

  it('gives up on a box that never answers within the timeout', async () => {
    const hosts = new LocalHosts(() => ['sleep', '30']);
    const ssh = new SshLbRuntime(hosts, { timeoutMs: 200 });
    await expect(ssh.send({ name: 'lb-y', address: '10.0.0.8' }, 'set weight app/web-01 10%')).rejects.toThrow(
      /lb-y .*'set weight app\/web-01 10%': no answer within 200 ms/,
    );
    expect(hosts.closed).toBe(1);
  });

  it('refuses a socket path socat would misread', () => {
    expect(() => new SshLbRuntime(new LocalHosts(), { socketPath: '/tmp/a,b' })).toThrow('invalid HAProxy socket path');
  });
});
