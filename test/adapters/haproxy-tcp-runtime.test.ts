import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import { isRuntimeError, parseServersState } from '../../src/domain/haproxy.ts';
import type { Host } from '../../src/domain/ports.ts';
import { freePort } from '../fleet/net.ts';
import { useHaproxyPair } from './haproxy-pair.ts';

const pair = useHaproxyPair();
const { ip, lbs } = pair;
const lbA = (): Host => lbs[0]!;

describe('TcpLbRuntime against a real haproxy', () => {
  it('changes a server state and reads it back', async () => {
    expect(await pair.runtime.send(lbA(), 'set server app/web-01 state drain')).toBe('\n');
    const states = parseServersState(await pair.runtime.send(lbA(), 'show servers state app'));
    expect(states.find((s) => s.server === 'web-01')).toMatchObject({ admin: 'drain', operational: 'UP' });
    expect(states.find((s) => s.server === 'web-02')).toMatchObject({ admin: 'ready' });
  });

  it('sets a weight of 10% and reads it back', async () => {
    expect(isRuntimeError(await pair.runtime.send(lbA(), 'set weight app/web-02 10%'))).toBe(false);
    const states = parseServersState(await pair.runtime.send(lbA(), 'show servers state app'));
    expect(states.find((s) => s.server === 'web-02')).toMatchObject({ weight: 10, initialWeight: 100 });
  });

  it('returns HAProxy refusals as text', async () => {
    const answer = await pair.runtime.send(lbA(), 'set server app/nope state drain');
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
