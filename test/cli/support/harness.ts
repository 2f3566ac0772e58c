import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliDeps, CliOutput } from '../../../src/cli/io.ts';
import { runCli } from '../../../src/cli/program.ts';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Reply = { status?: number; body: unknown } | ((req: Recorded) => { status?: number; body: unknown });

/**
 * A tiny stand-in for the Vesemir API on a real port: answers `METHOD /path`
 * (query string ignored for matching) from a table and records each request.
 */
export async function fakeApi(routes: Record<string, Reply>) {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
    requests.push(rec);
    const route = routes[`${rec.method} ${rec.url.split('?')[0]}`];
    const reply =
      typeof route === 'function' ? route(rec) : (route ?? { status: 404, body: { error: 'NotFound', message: `no route ${rec.method} ${rec.url}` } });
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export function captureOutput(isTTY = false): CliOutput & { text: string } {
  const out = {
    text: '',
    isTTY,
    columns: 120,
    rows: 40,
    write(s: string) {
      out.text += s;
    },
  };
  return out;
}

/** Runs the CLI in this process against `api`, with captured output and a fast poll. */
export async function run(argv: string[], options: { env?: Record<string, string>; tty?: boolean; deps?: Partial<CliDeps> } = {}) {
  const stdout = captureOutput(options.tty);
  const stderr = captureOutput(options.tty);
  const code = await runCli(argv, {
    env: options.env ?? {},
    stdout,
    stderr,
    replay: async () => {
      throw new Error('replay not expected in this test');
    },
    pollMs: 10,
    frameMs: 5,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    ...options.deps,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
