import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { authorize, hashToken, loadTokens } from '../../src/api/auth.ts';
import type { DeploymentService } from '../../src/api/deployment-service.ts';
import type { DeploymentStore } from '../../src/domain/deployment.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics/registry.ts';

const TOKENS = { payments: 'pay-s3cret-token', search: 'search-s3cret-token', admin: 'admin-s3cret-token' };
const dir = mkdtempSync(join(tmpdir(), 'vesemir-auth-'));
const tokensFile = (body: string) => {
  const path = join(dir, `tokens-${Math.random()}.yaml`);
  writeFileSync(path, body);
  return path;
};
const goodFile = () =>
  tokensFile(`tokens:
  - { name: payments-ci, team: payments, sha256: ${hashToken(TOKENS.payments)} }
  - { name: search-ci, team: search, sha256: ${hashToken(TOKENS.search)} }
  - { name: platform, admin: true, sha256: ${hashToken(TOKENS.admin)} }
`);

// The real routes' collaborators are never reached by the requests auth refuses.
const store = {} as DeploymentStore;
const links = { self: (id: string) => id, temporalUi: (id: string) => id };

async function app(tokens: ReturnType<typeof loadTokens> | undefined): Promise<FastifyInstance> {
  const a = await buildApp({
    logger: createLogger('silent'),
    store,
    deployments: {} as DeploymentService,
    links,
    tokens,
    metrics: createMetrics({ processMetrics: false }),
  });
  // A team-owned resource, as the deployment and VM routes will guard theirs.
  a.get('/v1/test/teams/:team', async (request) => {
    authorize(request, (request.params as { team: string }).team);
    return { principal: request.principal };
  });
  return a;
}

let api: FastifyInstance;
beforeAll(async () => {
  api = await app(loadTokens(goodFile()));
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bearer auth', () => {
  it('refuses /v1 without a token: 401, a Bearer challenge, the API error shape', async () => {
    for (const url of ['/v1/deployments', '/v1/deployments/d-12345678', '/v1/test/teams/payments', '/v1/deployments?limit=1']) {
      const res = await api.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="vesemir"');
      expect(res.json()).toEqual({ error: 'Unauthorized', message: expect.stringContaining('bearer token is required') });
    }
    const post = await api.inject({ method: 'POST', url: '/v1/deployments', payload: {} });
    expect(post.statusCode).toBe(401);
  });

  it('refuses a bad or malformed token with invalid_token', async () => {
    for (const authorization of ['Bearer nope', `Bearer ${TOKENS.payments}x`, `Bearer ${hashToken(TOKENS.payments)}`]) {
      const res = await api.inject({ method: 'GET', url: '/v1/deployments', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="vesemir", error="invalid_token"');
      expect(res.json().error).toBe('Unauthorized');
    }
    for (const authorization of [`Basic ${TOKENS.payments}`, TOKENS.payments, 'Bearer ', `Bearer ${TOKENS.payments} extra`]) {
      const res = await api.inject({ method: 'GET', url: '/v1/deployments', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it("lets a team's token act for its team only (403 for another team's)", async () => {
    const own = await api.inject({ method: 'GET', url: '/v1/test/teams/payments', headers: bearer(TOKENS.payments) });
    expect(own.statusCode).toBe(200);
    expect(own.json().principal).toEqual({ name: 'payments-ci', team: 'payments', admin: false });
    const other = await api.inject({ method: 'GET', url: '/v1/test/teams/search', headers: bearer(TOKENS.payments) });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toEqual({
      error: 'Forbidden',
      message: "token 'payments-ci' acts for team 'payments', not for 'search'",
      docs: 'docs/runbook.md#forbidden',
    });
    expect((await api.inject({ method: 'GET', url: '/v1/test/teams/search', headers: bearer(TOKENS.search) })).statusCode).toBe(200);
  });

  it('lets an admin act for any team; scheme and spacing are as RFC 6750 allows', async () => {
    for (const team of ['payments', 'search', 'nobody']) {
      const res = await api.inject({ method: 'GET', url: `/v1/test/teams/${team}`, headers: { authorization: `bearer  ${TOKENS.admin}` } });
      expect(res.statusCode, team).toBe(200);
      expect(res.json().principal).toEqual({ name: 'platform', admin: true });
    }
  });

  it('keeps /healthz, /metrics and /docs open', async () => {
    expect((await api.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await api.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await api.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect([200, 302]).toContain((await api.inject({ method: 'GET', url: '/docs' })).statusCode);
  });

  it('decides on the matched route, so an encoded path cannot slip past', async () => {
    // The router decodes %76 to `v`: a check on the raw URL would let this through to /v1/deployments.
    const res = await api.inject({ method: 'GET', url: '/%761/deployments' });
    expect(res.statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/v1/nothing-here' })).statusCode).toBe(404);
  });

  it('documents the bearer scheme in the OpenAPI document, with /healthz open', async () => {
    const doc = (await api.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});

describe('auth off (no tokens file)', () => {
  it('treats every caller as the anonymous admin', async () => {
    const open = await app(undefined);
    try {
      const res = await open.inject({ method: 'GET', url: '/v1/test/teams/payments' });
      expect(res.statusCode).toBe(200);
      expect(res.json().principal).toEqual({ name: 'anonymous', admin: true });
    } finally {
      await open.close();
    }
  });
});

describe('tokens file', () => {
  it('hashes tokens as `printf %s "$TOKEN" | sha256sum` does', () => {
    const viaShell = execFileSync('sha256sum', { input: TOKENS.payments }).toString().split(' ')[0];
    expect(hashToken(TOKENS.payments)).toBe(viaShell);
  });

  it('refuses a file that is wrong, naming the file and the field', () => {
    const cases: [string, RegExp][] = [
      ['tokens:\n  - { name: a, team: t, sha256: abc }\n', /tokens\/0\/sha256|tokens\/0: .*sha256/],
      [`tokens:\n  - { name: a, team: t, admin: true, sha256: ${hashToken('x')} }\n`, /tokens\/0/],
      [`tokens:\n  - { name: a, sha256: ${hashToken('x')} }\n`, /tokens\/0/],
      [
        `tokens:\n  - { name: a, team: t, sha256: ${hashToken('x')} }\n  - { name: a, team: u, sha256: ${hashToken('y')} }\n`,
        /tokens\/1: name or sha256 used twice/,
      ],
      [`tokens:\n  - { name: a, team: t, sha256: ${hashToken('x')} }\n  - { name: b, admin: true, sha256: ${hashToken('x')} }\n`, /used twice/],
      ['tokens: []\n', /tokens/],
      ['tokens: [\n', /VESEMIR_TOKENS_FILE/],
    ];
    for (const [body, error] of cases) {
      const path = tokensFile(body);
      expect(() => loadTokens(path), body).toThrow(error);
      expect(() => loadTokens(path), body).toThrow(`VESEMIR_TOKENS_FILE ${path}`);
    }
    expect(() => loadTokens(join(dir, 'missing.yaml'))).toThrow(/VESEMIR_TOKENS_FILE .*missing\.yaml.*ENOENT/);
  });
});
