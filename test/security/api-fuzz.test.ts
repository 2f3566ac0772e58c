import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { startVesemir, type Vesemir } from '../support/vesemir.ts';

// Property-based fuzzing of every route in the OpenAPI document: random and
// half-valid requests must never get a 5xx or bring the server down.

let fleet: Fleet;
let v: Vesemir;
let routes: { method: string; url: string }[] = [];
beforeAll(async () => {
  fleet = await startFleet({ vms: 1 });
  v = await startVesemir(fleet);
  const spec = (await v.api.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(spec.paths).flatMap(([url, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), url })));
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
});

const nasty = fc.constantFrom(
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '; touch /tmp/x',
  '$(id)',
  '`id`',
  '%00',
  '\u0000',
  'a'.repeat(5000),
  '{}',
  '[]',
  'null',
  '-1',
  '1e309',
  '😀',
  'd-00000000',
);
const scalar = fc.oneof(fc.string(), nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

/** A valid deploy body with some fields replaced by junk, removed or added. */
function mutatedBody(base: Record<string, unknown>) {
  const keys = Object.keys(base);
  return fc
    .record({
      replace: fc.dictionary(fc.constantFrom(...keys), fc.oneof(scalar, fc.anything())),
      drop: fc.subarray(keys),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 2 }),
    })
    .map(({ replace, drop, extra }) => {
      const body: Record<string, unknown> = { ...base, ...replace, ...extra };
      for (const k of drop) delete body[k];
      return body;
    });
}

describe('API fuzzing', () => {
  it('answers 1,000+ generated requests over every route without a 5xx', async () => {
    expect(routes.length).toBeGreaterThan(5);
    const valid = fleet.deployRequest('v2', { url: 'http://127.0.0.1:1/none.tgz', sha256: 'a'.repeat(64) }) as unknown as Record<string, unknown>;
    const request = fc.record({
      route: fc.constantFrom(...routes),
      param: fc.oneof(fc.string(), nasty),
      query: fc.dictionary(
        fc.constantFrom('application', 'environment', 'status', 'limit', 'host', 'step', 'dryRun', 'osVersion'),
        fc.oneof(fc.string(), nasty),
      ),
      body: fc.oneof(
        fc.anything(),
        mutatedBody(valid),
        mutatedBody({ application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: 'ubuntu-22.04', count: 1 }),
      ),
      headers: fc.dictionary(fc.constantFrom('idempotency-key', 'content-type', 'authorization'), fc.oneof(fc.string(), nasty)),
    });
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ route, param, query, body, headers }) => {
        const url = route.url.replace(/\{[^}]+\}|:[A-Za-z]+/g, encodeURIComponent(param) || 'x');
        const search = new URLSearchParams(query as Record<string, string>).toString();
        const res = await v.api.inject({
          method: route.method as 'GET',
          url: search ? `${url}?${search}` : url,
          headers: headers as Record<string, string>,
          ...(route.method === 'GET'
            ? {}
            : { payload: JSON.stringify(body) ?? 'null', headers: { ...(headers as object), 'content-type': 'application/json' } }),
        });
        sent++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${route.method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 1200, seed: Number(process.env.VESEMIR_FUZZ_SEED ?? 20261122) },
    );
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect((await v.api.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // The run exercised rejections, not just one answer.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
  });
});
