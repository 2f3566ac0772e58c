import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExpositionOptions, METRICS_CONTENT_TYPE, metricsText } from './exposition.ts';
import type { Metrics } from './registry.ts';

export interface MetricsServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * What a worker-only process serves: GET /metrics for Prometheus and
 * GET /healthz for its container's health check; nothing else, no auth
 * (both are open on the API too).
 */
export async function startMetricsServer(
  metrics: Metrics,
  listen: { host: string; port: number },
  options: ExpositionOptions & { healthy?: () => boolean } = {},
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const ok = options.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'stopping' }));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      metricsText(metrics, options).then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'NotFound', message: `${req.method} ${path} not found` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
