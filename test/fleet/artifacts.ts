import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { create as createTar } from 'tar';
import { freePort } from './net.ts';

/** healthy: /health 200; unhealthy: /health 500; crash: exits at once. */
export type ReleaseBehaviour = 'healthy' | 'unhealthy' | 'crash';

export interface ReleaseSpec {
  version: string;
  /** @default 'healthy' */
  behaviour?: ReleaseBehaviour;
  /** Shows in the app's answers. @default 'app' */
  appName?: string;
}

/**
 * The app of a release: a node http server on APP_ADDRESS:APP_PORT. Version
 * and behaviour are baked in, so the same spec always builds the same bytes.
 */
export function serverSource({ version, behaviour = 'healthy', appName = 'app' }: ReleaseSpec): string {
  return `'use strict';
const http = require('node:http');
const VERSION = ${JSON.stringify(version)};
const BEHAVIOUR = ${JSON.stringify(behaviour)};
const APP = ${JSON.stringify(appName)};
if (BEHAVIOUR === 'crash') {
  console.error(APP + ' ' + VERSION + ' is broken on purpose: exiting at start');
  process.exit(1);
}
const address = process.env.APP_ADDRESS || '127.0.0.1';
const port = Number(process.env.APP_PORT || 8080);
const host = process.env.APP_HOST || require('node:os').hostname();
// APP_STARTUP_MS: how long the app takes to start serving after a (re)start; /health answers 503 until then.
const readyAt = Date.now() + Number(process.env.APP_STARTUP_MS || 0);
const server = http.createServer((req, res) => {
  if (req.url === '/health' && Date.now() < readyAt) {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'starting', version: VERSION }));
    return;
  }
  if (req.url === '/health') {
    // A per-VM fault a test can inject (and fix) from inside the VM's own /etc.
    const broken = require('node:fs').existsSync('/etc/vesemir/broken-' + VERSION);
    const healthy = BEHAVIOUR === 'healthy' && !broken;
    res.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: healthy ? 'ok' : 'failing', version: VERSION }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(APP + ' ' + VERSION + ' on ' + host + '\\n');
});
// A port still held for a moment after a restart (seen once in CI, holder unknown) is tried again
// for up to 2 s, as a service manager restarting the unit would, and logged.
let tries = 0;
server.on('error', (err) => {
  if (err.code !== 'EADDRINUSE' || ++tries > 40) throw err;
  console.log(APP + ' ' + VERSION + ': ' + address + ':' + port + ' busy, trying again (' + tries + ')');
  setTimeout(() => server.listen(port, address), 50);
});
server.listen(port, address, () => console.log(APP + ' ' + VERSION + ' listening on ' + address + ':' + port));
process.on('SIGTERM', () => process.exit(0));
`;
}

/** Writes an unpacked release (server.js, VERSION) into `dir`. */
export function writeRelease(dir: string, spec: ReleaseSpec): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.js'), serverSource(spec));
  writeFileSync(join(dir, 'VERSION'), `${spec.version}\n`);
}

export interface BuiltRelease {
  /** `<appName>-<version>.tar.gz` */
  fileName: string;
  path: string;
  /** Hex sha256 of the archive. */
  sha256: string;
  bytes: Buffer;
}

let defaultDir: string | undefined;
/** Archives built without an explicit dir live here until the process exits. */
function artifactsDir(): string {
  if (!defaultDir) {
    const dir = mkdtempSync(join(tmpdir(), 'vesemir-artifacts-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    defaultDir = dir;
  }
  return defaultDir;
}

/** A release archive whose top level holds server.js and VERSION. */
export async function buildRelease(spec: ReleaseSpec & { dir?: string }): Promise<BuiltRelease> {
  const outDir = spec.dir ?? artifactsDir();
  const fileName = `${spec.appName ?? 'app'}-${spec.version}${spec.behaviour && spec.behaviour !== 'healthy' ? `-${spec.behaviour}` : ''}.tar.gz`;
  const staging = mkdtempSync(join(tmpdir(), 'vesemir-release-'));
  try {
    writeRelease(staging, spec);
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, fileName);
    // A fixed mtime makes the archive (and so its sha256) reproducible.
    await createTar({ gzip: true, file: path, cwd: staging, portable: true, mtime: new Date(0) }, ['server.js', 'VERSION']);
    const bytes = readFileSync(path);
    return { fileName, path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface ArtifactServer {
  baseUrl: string;
  /** Every request served, in order (`GET /shop-v2.tar.gz`): what a test counts to see nothing was downloaded. */
  requests: readonly string[];
  url(fileName: string): string;
  stop(): Promise<void>;
}

/** Serves the files of `dir` (top level only) over HTTP on 127.0.0.1. */
export async function startArtifactServer(dir: string): Promise<ArtifactServer> {
  const port = await freePort('127.0.0.1');
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    if (req.method !== 'GET' || name === '' || name !== basename(name)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    requests,
    url: (fileName) => `${baseUrl}/${encodeURIComponent(fileName)}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
