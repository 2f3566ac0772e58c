import type { FastifyInstance } from 'fastify';
import type { Metrics } from './registry.ts';

/**
 * Counts and times every API answer by route *template* (`/v1/deployments/:id`,
 * never the id: one series per route, not per deployment). Requests that
 * match no route share the label `unmatched`.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status_code: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
