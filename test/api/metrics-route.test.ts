import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { hashToken, loadTokens } from '../../src/api/auth.ts';
import type { DeploymentService } from '../../src/api/deployment-service.ts';
import type { DeploymentStore } from '../../src/domain/deployment.ts';
import { ErrorType, VesemirError } from '../../src/domain/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics/registry.ts';
import { parseSamples, sampleValue } from '../metrics/prom-text.ts';

const store = {} as DeploymentStore;
const links = { self: (id: string) => id, temporalUi: (id: string) => id };

describe('API metrics', () => {
  it('counts and times answers by route template, method and status, refused ones included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vesemir-metrics-')), 'tokens.yaml');
    writeFileSync(file, `tokens:\n  - { name: ci, team: payments, sha256: ${hashToken('t0ken')} }\n`);
    const metrics = createMetrics({ processMetrics: false });
    const app = await buildApp({ logger: createLogger('silent'), store, deployments: {} as DeploymentService, links, metrics, tokens: loadTokens(file) });
    // Routes of the test's own, so the assertions do not depend on what the real ones answer.
    app.get('/v1/test/things/:id', async (request) => {
      throw new VesemirError(ErrorType.NotFound, `${(request.params as { id: string }).id} not found`);
    });
    app.get('/v1/test/things', async () => ({ things: [] }));
    try {
      const auth = { authorization: 'Bearer t0ken' };
      await app.inject({ method: 'GET', url: '/healthz' });
      await app.inject({ method: 'GET', url: '/v1/test/things/d-11111111', headers: auth });
      await app.inject({ method: 'GET', url: '/v1/test/things/d-22222222', headers: auth });
      await app.inject({ method: 'GET', url: '/v1/test/things/d-33333333' });
      await app.inject({ method: 'GET', url: '/v1/test/things?limit=5', headers: auth });
      await app.inject({ method: 'GET', url: '/no/such/route' });

      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = parseSamples(res.body);
      const count = (route: string, status: string) => sampleValue(samples, 'vesemir_http_requests_total', { route, method: 'GET', status_code: status });
      expect(count('/healthz', '200')).toBe(1);
      expect(count('/v1/test/things/:id', '404')).toBe(2);
      expect(count('/v1/test/things/:id', '401')).toBe(1);
      expect(count('/v1/test/things', '200')).toBe(1);
      expect(count('unmatched', '404')).toBe(1);
      // One series per route, never one per deployment id.
      expect(samples.filter((s) => s.labels.route?.includes('d-1111'))).toEqual([]);
      const latency = { route: '/v1/test/things/:id', method: 'GET', status_code: '404' };
      expect(sampleValue(samples, 'vesemir_http_request_duration_seconds_count', latency)).toBe(2);
      expect(sampleValue(samples, 'vesemir_http_request_duration_seconds_bucket', { ...latency, le: '+Inf' })).toBe(2);
      expect(sampleValue(samples, 'vesemir_http_request_duration_seconds_sum', latency)).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
