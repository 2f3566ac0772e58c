import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { runBenchChild } from './child.ts';

export interface ApiLatency {
  /** What was measured: the dry run, or GET of one deployment when the API has no dry run. */
  endpoint: string;
  dryRunAvailable: boolean;
  clients: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Status code → count; anything but 2xx is reported, not hidden. */
  statuses: Record<string, number>;
  /** Who sent the requests: a load generator in a process of its own. */
  loadGenerator: string;
  /** Load before the measured requests (on connections of its own). */
  warmupSeconds: number;
}

/** The line bench/api-load-child.ts prints its result on. */
export const API_LOAD_MARKER = 'API_LOAD_RESULT ';

export interface ApiLoadResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Status code → count; requests with no answer at all as `error` and `timeout`. */
  statuses: Record<string, number>;
}

/** Whether POST /v1/deployments documents a `dryRun` query parameter (read from the app's own OpenAPI). */
export function hasDryRun(api: FastifyInstance): boolean {
  const spec = (api as unknown as { swagger(): { paths?: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> } }).swagger();
  const post = spec.paths?.['/v1/deployments']?.post;
  return post?.parameters?.some((p) => p.name === 'dryRun' && p.in === 'query') ?? false;
}

/**
 * `clients` concurrent clients over real HTTP (keep-alive), each sending its
 * next request when the last one answered: `warmupSeconds` of that first,
 * then `requests` measured on fresh connections (their connects included),
 * latency per request from send to the full answer. The clients run in a
 * process of their own (bench/api-load-child.ts): in this one their own work
 * (fetch, 50 sockets) would queue behind the API's and count as its latency.
 */
export async function measureApi(
  api: FastifyInstance,
  options: { clients: number; requests: number; warmupSeconds: number; dryRunBody: unknown; fallbackDeploymentId: string },
): Promise<ApiLatency> {
  await api.listen({ host: '127.0.0.1', port: 0 });
  const { port } = api.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const dryRunAvailable = hasDryRun(api);
  const endpoint = dryRunAvailable ? 'POST /v1/deployments?dryRun=true' : 'GET /v1/deployments/:id (no dryRun in the API yet)';
  const target = dryRunAvailable
    ? ['--url', `${base}/v1/deployments?dryRun=true`, '--method', 'POST', '--body', JSON.stringify(options.dryRunBody)]
    : ['--url', `${base}/v1/deployments/${options.fallbackDeploymentId}`, '--method', 'GET'];
  const script = fileURLToPath(new URL('./api-load-child.ts', import.meta.url));
  const args = [...target, '--clients', String(options.clients), '--requests', String(options.requests), '--warmup-seconds', String(options.warmupSeconds)];
  const r = await runBenchChild<ApiLoadResult>(script, args, { marker: API_LOAD_MARKER, timeoutMs: 120_000, what: 'API load generator' });
  return { endpoint, dryRunAvailable, clients: options.clients, ...r, loadGenerator: 'autocannon, own process', warmupSeconds: options.warmupSeconds };
}
