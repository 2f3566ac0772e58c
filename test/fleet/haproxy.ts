import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import { dieWithParent } from '../../src/temporal/die-with-parent.ts';
import { requireExecutable } from '../support/peers.ts';
import { freePort, waitFor } from './net.ts';

export interface HaproxyServerSpec {
  name: string;
  address: string;
  port: number;
  /** The server's configured weight. @default 100 */
  weight?: number;
}

export interface HaproxyOptions {
  /** Address the frontend and the TCP admin socket listen on (e.g. 127.A.B.1). */
  bindAddress: string;
  /** @default a free port on bindAddress */
  frontendPort?: number;
  /** TCP runtime API port. @default a free port on bindAddress */
  adminPort?: number;
  /**
   * Unix runtime API socket. Its directory is created if missing, so a caller
   * can pass e.g. `<lbBoxDir>/run-haproxy/admin.sock` and bind-mount that
   * directory at /run/haproxy inside an LB box.
   * @default `<tempdir>/run/admin.sock`
   */
  socketPath?: string;
  backend: string;
  servers: HaproxyServerSpec[];
  /** More backends on the same HAProxy (another application's), not behind the frontend. @default [] */
  extraBackends?: { name: string; servers: HaproxyServerSpec[] }[];
  /** @default '/health' */
  healthPath?: string;
}

export interface RunningHaproxy {
  frontendUrl: string;
  bindAddress: string;
  adminPort: number;
  socketPath: string;
  /** The directory holding the unix socket (to bind-mount at /run/haproxy). */
  socketDir: string;
  configPath: string;
  /** Kills haproxy, waits for it to exit and removes its temp dir. */
  stop(): Promise<void>;
}

export function haproxyConfig(options: Required<HaproxyOptions>): string {
  const { bindAddress, frontendPort, adminPort, socketPath, backend, servers, extraBackends, healthPath } = options;
  const backendLines = (name: string, specs: HaproxyServerSpec[]) => [
    '',
    `backend ${name}`,
    '  balance roundrobin',
    `  option httpchk GET ${healthPath}`,
    ...specs.map((s) => `  server ${s.name} ${s.address}:${s.port} check inter 200 fall 2 rise 1 weight ${s.weight ?? 100}`),
  ];
  return [
    'global',
    `  stats socket ${socketPath} mode 600 level admin`,
    `  stats socket ipv4@${bindAddress}:${adminPort} level admin`,
    '  maxconn 2000',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    '  timeout check 1s',
    '  retries 3',
    '  option redispatch',
    '  load-server-state-from-file none',
    '',
    'frontend web',
    `  bind ${bindAddress}:${frontendPort}`,
    `  default_backend ${backend}`,
    ...backendLines(backend, servers),
    ...extraBackends.flatMap((b) => backendLines(b.name, b.servers)),
    '',
  ].join('\n');
}

/** Starts `haproxy -db` as a child with its own config; resolves once the TCP admin socket answers. */
export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  const binary = requireExecutable('haproxy', ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy']);
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-haproxy-'));
  const full: Required<HaproxyOptions> = {
    healthPath: '/health',
    extraBackends: [],
    frontendPort: options.frontendPort ?? (await freePort(options.bindAddress)),
    adminPort: options.adminPort ?? (await freePort(options.bindAddress)),
    socketPath: options.socketPath ?? join(dir, 'run', 'admin.sock'),
    ...options,
  } as Required<HaproxyOptions>;
  mkdirSync(dirname(full.socketPath), { recursive: true });
  const configPath = join(dir, 'haproxy.cfg');
  writeFileSync(configPath, haproxyConfig(full));

  const child = spawn(...dieWithParent(binary, ['-db', '-f', configPath]), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // keep the tail only: enough to explain a failed start
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    await killAndWait(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const ready = waitFor(
      `haproxy admin socket ${full.bindAddress}:${full.adminPort}`,
      async () => (await askTcp(full.bindAddress, full.adminPort, 'show info')).includes('Name: HAProxy'),
      20_000,
    );
    const died = exited.then(() => {
      throw new Error(`haproxy exited (${child.exitCode ?? child.signalCode})`);
    });
    await Promise.race([ready, died]);
  } catch (error) {
    await stop();
    throw new Error(`haproxy did not start: ${(error as Error).message}; stderr: ${stderr}`);
  }

  return {
    frontendUrl: `http://${full.bindAddress}:${full.frontendPort}`,
    bindAddress: full.bindAddress,
    adminPort: full.adminPort,
    socketPath: full.socketPath,
    socketDir: dirname(full.socketPath),
    configPath,
    stop,
  };
}

/**
 * Adds `server` to `backend` of a running HAProxy as a dynamic server, health
 * checked and ready, as a provisioning job would; `lbName` names the box in errors.
 */
export async function addReadyServer(haproxy: RunningHaproxy, lbName: string, backend: string, server: HaproxyServerSpec): Promise<void> {
  const runtime = new TcpLbRuntime({ port: haproxy.adminPort });
  const lb = { name: lbName, address: haproxy.bindAddress };
  const { name, address, port } = server;
  for (const command of [
    `add server ${backend}/${name} ${address}:${port} check inter 200 fall 2 rise 1 weight ${server.weight ?? 100}`,
    `enable health ${backend}/${name}`,
    `set server ${backend}/${name} state ready`,
  ]) {
    const answer = (await runtime.send(lb, command)).trim();
    if (answer && !/New server registered/.test(answer)) throw new Error(`${lb.name}: ${command}: ${answer}`);
  }
}

async function killAndWait(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** One raw runtime-API exchange, used only to know when haproxy is ready. */
function askTcp(host: string, port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let answer = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}
