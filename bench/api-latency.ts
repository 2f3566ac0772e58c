import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { percentile } from './stats.ts';

export interface ApiLatency {
  /** What was measured: the dry run, or GET of one deployment when the API has no dry run yet. */
  endpoint: string;
  dryRunAvailable: boolean;
  clients: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Status code → count; anything but 2xx is reported, not hidden. */
  statuses: Record<string, number>;
}

/** Whether POST /v1/deployments documents a `dryRun` query parameter (read from the app's own OpenAPI). */
export function hasDryRun(api: FastifyInstance): boolean {
  const spec = (api as unknown as { swagger(): { paths?: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> } }).swagger();
  const post = spec.paths?.['/v1/deployments']?.post;
  return post?.parameters?.some((p) => p.name === 'dryRun' && p.in === 'query') ?? false;
}

/**
 * `clients` concurrent clients over real HTTP (keep-alive), each sending
 * `perClient` requests back to back after a warm-up; latency per request
 * from send to the full body.
 */
export async function measureApi(
  api: FastifyInstance,
  options: { clients: number; perClient: number; dryRunBody: unknown; fallbackDeploymentId: string },
): Promise<ApiLatency> {
  await api.listen({ host: '127.0.0.1', port: 0 });
  const { port } = api.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const dryRunAvailable = hasDryRun(api);
  const endpoint = dryRunAvailable ? 'POST /v1/deployments?dryRun=true' : 'GET /v1/deployments/:id (no dryRun in the API yet)';
  const body = JSON.stringify(options.dryRunBody);
  const once = async (): Promise<{ ms: number; status: number }> => {
    const start = performance.now();
    const res = dryRunAvailable
      ? await fetch(`${base}/v1/deployments?dryRun=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      : await fetch(`${base}/v1/deployments/${options.fallbackDeploymentId}`);
    await res.arrayBuffer();
    return { ms: performance.now() - start, status: res.status };
  };
  const load = async (perClient: number) => {
    const samples: { ms: number; status: number }[] = [];
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        for (let i = 0; i < perClient; i++) samples.push(await once());
      }),
    );
    return samples;
  };
  await load(2);
  const samples = await load(options.perClient);
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const ms = samples.map((s) => s.ms);
  return { endpoint, dryRunAvailable, clients: options.clients, requests: samples.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), statuses };
}
