import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HaproxyLoadBalancer, LoadBalancerError } from '../../src/adapters/haproxy/load-balancer.ts';
import { SshLbRuntime } from '../../src/adapters/haproxy/ssh-runtime.ts';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import { isRuntimeError, parseServersState } from '../../src/domain/haproxy.ts';
import type { Host, RemoteHosts, RemoteSession } from '../../src/domain/ports.ts';
import { type RunningHaproxy, startHaproxy } from '../fleet/haproxy.ts';
import { allocateSubnet, freePort, waitFor } from '../fleet/net.ts';
import { requireExecutable } from '../support/peers.ts';

/** A tiny app VM: /health, /slow (600 ms) and / answering its own name, with counters. */
interface AppServer {
  name: string;
  address: string;
  port: number;
  server: Server;
  requests: number;
  inFlight: number;
}

async function startApp(name: string, address: string): Promise<AppServer> {
  const port = await freePort(address);
  const app: AppServer = { name, address, port, server: createServer(), requests: 0, inFlight: 0 };
  app.server.on('request', (req, res) => {
    if (req.url === '/health') return void res.end('ok');
    app.requests += 1;
    app.inFlight += 1;
    const reply = () => {
      app.inFlight -= 1;
      res.end(name);
    };
    if (req.url === '/slow') setTimeout(reply, 600);
    else reply();
  });
  await new Promise<void>((resolve) => app.server.listen(port, address, resolve));
  return app;
}

const ip = allocateSubnet();
const BACKEND = 'app';
const apps: AppServer[] = [];
const haproxies: RunningHaproxy[] = [];
let lbs: Host[] = [];
let runtime: TcpLbRuntime;
let balancer: HaproxyLoadBalancer;

beforeAll(async () => {
  for (const n of [1, 2, 3]) apps.push(await startApp(`web-0${n}`, ip(10 + n)));
  // Both boxes share one admin port number on their own address, as real LB boxes would.
  const adminPort = await freePort(ip(1));
  const servers = apps.map(({ name, address, port }) => ({ name, address, port }));
  for (const n of [1, 2]) {
    haproxies.push(await startHaproxy({ bindAddress: ip(n), adminPort, backend: BACKEND, servers }));
  }
  lbs = [
    { name: 'lb-a', address: ip(1) },
    { name: 'lb-b', address: ip(2) },
  ];
  runtime = new TcpLbRuntime({ port: adminPort, timeoutMs: 2_000 });
  balancer = new HaproxyLoadBalancer(runtime, { pollIntervalMs: 20 });
  await waitFor('all servers UP on both boxes', async () => {
    const states = await Promise.all(lbs.map((lb) => balancer.serverStates(lb, BACKEND)));
    return states.flat().every((s) => s.operational === 'UP');
  });
});

afterAll(async () => {
  await Promise.all(haproxies.map((h) => h.stop()));
  for (const app of apps) {
    app.server.closeAllConnections();
    await new Promise((resolve) => app.server.close(resolve));
  }
});

afterEach(async () => {
  for (const app of apps) await balancer.enable(lbs, BACKEND, app.name, { percent: 100 });
});

const lbA = (): Host => lbs[0]!;

describe('TcpLbRuntime against a real haproxy', () => {
  it('changes a server state and reads it back', async () => {
    expect(await runtime.send(lbA(), 'set server app/web-01 state drain')).toBe('\n');
    const states = parseServersState(await runtime.send(lbA(), 'show servers state app'));
    expect(states.find((s) => s.server === 'web-01')).toMatchObject({ admin: 'drain', operational: 'UP' });
    expect(states.find((s) => s.server === 'web-02')).toMatchObject({ admin: 'ready' });
  });

  it('sets a weight of 10% and reads it back', async () => {
    expect(isRuntimeError(await runtime.send(lbA(), 'set weight app/web-02 10%'))).toBe(false);
    const states = parseServersState(await runtime.send(lbA(), 'show servers state app'));
    expect(states.find((s) => s.server === 'web-02')).toMatchObject({ weight: 10, initialWeight: 100 });
  });

  it('returns HAProxy refusals as text', async () => {
    const answer = await runtime.send(lbA(), 'set server app/nope state drain');
    expect(answer.trim()).toBe('No such server.');
    expect(isRuntimeError(answer)).toBe(true);
  });

  it('refuses a connection closed without an answer (an empty answer is not a success)', async () => {
    const hangUp: TcpServer = createTcpServer((socket) => socket.resume());
    const port = await freePort(ip(3));
    await new Promise<void>((resolve) => hangUp.listen(port, ip(3), resolve));
    try {
      await expect(new TcpLbRuntime({ port }).send({ name: 'lb-rude', address: ip(3) }, 'set weight app/web-01 10%')).rejects.toThrow(
        /lb-rude .*closed without answering 'set weight app\/web-01 10%'/,
      );
    } finally {
      await new Promise((resolve) => hangUp.close(resolve));
    }
  });

  it('names the box when nothing answers or nothing listens', async () => {
    // reads, never answers and never closes
    const held: Socket[] = [];
    const silent: TcpServer = createTcpServer({ allowHalfOpen: true }, (socket) => {
      held.push(socket);
      socket.resume();
    });
    const port = await freePort(ip(3));
    await new Promise<void>((resolve) => silent.listen(port, ip(3), resolve));
    try {
      const quick = new TcpLbRuntime({ port, timeoutMs: 150 });
      await expect(quick.send({ name: 'lb-mute', address: ip(3) }, 'show info')).rejects.toThrow(/lb-mute .*no answer to 'show info' within 150 ms/);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    const closedPort = await freePort(ip(4));
    await expect(new TcpLbRuntime({ port: closedPort }).send({ name: 'lb-gone', address: ip(4) }, 'show info')).rejects.toThrow(/lb-gone .*ECONNREFUSED/);
  });
});

describe('HaproxyLoadBalancer on two LB boxes', () => {
  it('drains to maintenance and enables with a weight, verified on both boxes', async () => {
    const results = await balancer.drain(lbs, BACKEND, 'web-01', { drainTimeoutMs: 2_000 });
    expect(results.map((r) => [r.lb, r.sessionsLeft])).toEqual([
      ['lb-a', 0],
      ['lb-b', 0],
    ]);
    for (const lb of lbs) {
      const web01 = (await balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01');
      expect(web01, lb.name).toMatchObject({ admin: 'maint', operational: 'DOWN' });
    }
    // A retried drain finds the server already in maintenance and leaves it there.
    await balancer.drain(lbs, BACKEND, 'web-01', { drainTimeoutMs: 2_000 });

    await balancer.enable(lbs, BACKEND, 'web-01', { percent: 10 });
    for (const lb of lbs) {
      const web01 = (await balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01');
      expect(web01, lb.name).toMatchObject({ admin: 'ready', operational: 'UP', weight: 10 });
    }
  });

  it('records the state as found and enables at a percent of the weight found, then restores it', async () => {
    await runtime.send(lbs[1]!, 'set weight app/web-01 50');
    await runtime.send(lbs[1]!, 'set server app/web-01 state maint');
    const found = await balancer.inspect(lbs, BACKEND, 'web-01');
    expect(found).toEqual([
      { lb: 'lb-a', admin: 'ready', weight: 100, initialWeight: 100 },
      { lb: 'lb-b', admin: 'maint', weight: 50, initialWeight: 100 },
    ]);
    const reports = await balancer.enable(lbs, BACKEND, 'web-01', { percent: 10, found });
    expect(reports).toEqual([
      { lb: 'lb-a', weight: 10, fullWeight: 100, raisedToMinimum: false },
      { lb: 'lb-b', weight: 5, fullWeight: 50, raisedToMinimum: false },
    ]);
    for (const lb of lbs) expect((await balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01')).toMatchObject({ admin: 'ready' });
    await balancer.restore(lbs, BACKEND, 'web-01', found);
    const after = await Promise.all(lbs.map(async (lb) => (await balancer.serverStates(lb, BACKEND)).find((s) => s.server === 'web-01')));
    expect(after.map((s) => [s?.admin, s?.weight])).toEqual([
      ['ready', 100],
      ['maint', 50],
    ]);
    await expect(balancer.restore(lbs, BACKEND, 'web-01', found.slice(0, 1))).rejects.toThrow(
      'HAProxy on lb-b, app/web-01: no recorded state to restore on this box',
    );
  });

  it('waits for in-flight sessions before maintenance', async () => {
    const slow = fetch(`${haproxies[0]!.frontendUrl}/slow`);
    let busy: AppServer | undefined;
    await waitFor('a slow request in flight', () => {
      busy = apps.find((a) => a.inFlight > 0);
      return busy !== undefined;
    });
    const [onA, onB] = await balancer.drain(lbs, BACKEND, busy!.name, { drainTimeoutMs: 3_000 });
    expect(onA).toMatchObject({ lb: 'lb-a', sessionsLeft: 0 });
    expect(onA!.waitedMs).toBeGreaterThan(300);
    expect(onB).toMatchObject({ lb: 'lb-b', sessionsLeft: 0 });
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(busy!.name);
  });

  it('gives up waiting at the drain timeout and reports the sessions left', async () => {
    const slow = fetch(`${haproxies[0]!.frontendUrl}/slow`);
    let busy: AppServer | undefined;
    await waitFor('a slow request in flight', () => {
      busy = apps.find((a) => a.inFlight > 0);
      return busy !== undefined;
    });
    const [onA] = await balancer.drain([lbA()], BACKEND, busy!.name, { drainTimeoutMs: 50 });
    expect(onA!.sessionsLeft).toBe(1);
    await slow;
  });

  it('serves every request of a client loop while a server is drained and re-enabled', async () => {
    const frontend = haproxies[0]!.frontendUrl;
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const client = async (): Promise<void> => {
      while (!stop) {
        try {
          const response = await fetch(frontend);
          await response.text();
          if (response.status === 200) ok += 1;
          else failures.push(`status ${response.status}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = [client(), client(), client()];
    try {
      await new Promise((r) => setTimeout(r, 150));
      await balancer.drain(lbs, BACKEND, 'web-02', { drainTimeoutMs: 2_000 });
      const web02 = apps[1]!;
      const servedBeforeMaint = web02.requests;
      await new Promise((r) => setTimeout(r, 300));
      expect(web02.requests, 'a server in maintenance gets no requests').toBe(servedBeforeMaint);
      await balancer.enable(lbs, BACKEND, 'web-02', { percent: 100 });
      await waitFor('web-02 serving again', () => web02.requests > servedBeforeMaint, 3_000);
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  });

  it('turns a refusal into a LoadBalancerError naming box, server and answer', async () => {
    const found = lbs.map((lb) => ({ lb: lb.name, admin: 'ready' as const, weight: 100, initialWeight: 100 }));
    const error = await balancer.enable(lbs, BACKEND, 'nope', { percent: 10, found }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadBalancerError);
    expect(error).toMatchObject({ lb: 'lb-a', backend: BACKEND, server: 'nope', answer: 'No such server.\n\n' });
    expect((error as Error).message).toBe("HAProxy on lb-a, app/nope: 'set weight app/nope 10' failed (HAProxy said: No such server.)");
    await expect(balancer.serverStates(lbA(), 'nope')).rejects.toThrow(/HAProxy on lb-a, nope\/\*: .*Can't find backend\./);
  });

  it('validates names before anything is sent', async () => {
    const sent: string[] = [];
    const recording = new HaproxyLoadBalancer({
      send: async (_lb, command) => {
        sent.push(command);
        return '\n';
      },
    });
    await expect(recording.drain(lbs, BACKEND, 'web;01', { drainTimeoutMs: 10 })).rejects.toThrow('invalid HAProxy server name "web;01"');
    await expect(recording.enable(lbs, 'app x', 'web-01', { percent: 10 })).rejects.toThrow('invalid HAProxy backend name "app x"');
    await expect(recording.enable(lbs, BACKEND, 'web-01', { percent: 150 })).rejects.toThrow('invalid weight percent 150');
    expect(sent).toEqual([]);
  });

  it('wraps a transport failure in a LoadBalancerError for that box', async () => {
    const gone: Host = { name: 'lb-gone', address: ip(5) };
    await expect(balancer.drain([lbA(), gone], BACKEND, 'web-03', { drainTimeoutMs: 500 })).rejects.toThrow(
      /^HAProxy on lb-gone, app\/web-03: 'show servers state app' not delivered: .*ECONNREFUSED/,
    );
  });
});

/** RemoteHosts stand-in: records what would run over SSH and runs it here, or returns a canned result. */
/** RemoteHosts that runs every command on this machine, as if the LB box were local. */
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
