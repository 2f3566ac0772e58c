import { describe, expect, it } from 'vitest';
import { buildApp, linkBuilder } from '../../src/api/app.ts';
import type { DeploymentService } from '../../src/api/deployment-service.ts';
import type { VmRequestService } from '../../src/api/vm-request-service.ts';
import { vmLinkBuilder } from '../../src/api/vms-routes.ts';
import type { DeploymentStore } from '../../src/domain/deployment.ts';
import type { VmStore } from '../../src/domain/vm.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics/registry.ts';

// Every route the API serves is in the OpenAPI document at /docs/json, with a
// summary and its answers. Registering routes touches no dependency, so
// placeholders stand in for the services.

async function app() {
  return buildApp({
    logger: createLogger('silent'),
    store: {} as DeploymentStore,
    deployments: {} as DeploymentService,
    links: linkBuilder('http://api', 'http://ui', 'default'),
    vms: { service: {} as VmRequestService, store: {} as VmStore, links: vmLinkBuilder('http://api', 'http://ui', 'default') },
    metrics: createMetrics(),
  });
}

/** `METHOD /path` of every route, from Fastify's own route tree (children print relative to their parent). */
function routesOf(printed: string): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of printed.split('\n')) {
    const at = line.indexOf('── ');
    const m = /^(\S+) \(([A-Z, ]+)\)$/.exec(line.slice(at + 3));
    if (at < 0 || !m) continue;
    const depth = (at - 1) / 4;
    const path = (prefixes[depth - 1] ?? '') + m[1];
    prefixes[depth] = path;
    for (const method of m[2]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('OpenAPI document', () => {
  it('lists every route the API serves, each with its own operationId, a summary and its responses', async () => {
    const api = await app();
    await api.ready();
    const spec = (await api.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { operationId?: string; summary?: string; responses?: Record<string, unknown> }>>;
    };
    const documented = new Set(
      Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)),
    );
    // Swagger UI's own files and the Prometheus text format are not API operations.
    const served = routesOf(api.printRoutes({ commonPrefix: false })).filter((r) => !/ \/docs|\/metrics$/.test(r));
    expect(served).toEqual(
      expect.arrayContaining(['POST /v1/deployments/:id/pause', 'GET /v1/deployments/:id/logs', 'GET /v1/vm-requests/:id', 'GET /healthz']),
    );
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    const operationIds: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // The generated client's `operations` are named by them (src/client/api-types).
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        operationIds.push(op.operationId!);
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);
    await api.close();
  });
});
