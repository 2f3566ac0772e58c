import { afterEach, describe, expect, it } from 'vitest';
import { runningDeployment } from './support/fixtures.ts';
import { fakeApi, run } from './support/harness.ts';

// `vesemir rollback` against a tiny local HTTP server standing in for the API.

let api: Awaited<ReturnType<typeof fakeApi>>;
afterEach(() => api?.close());

const ORIGINAL = 'd-0123456789abcdef';
const NEW = 'd-fedcba9876543210';
const created = { id: NEW, status: 'QUEUED', rollbackOf: ORIGINAL, links: { self: `/v1/deployments/${NEW}`, temporalUi: `http://ui/deploy-${NEW}` } };

describe('vesemir rollback', () => {
  it('POSTs the rollback of the id with force and reason, and prints the new deployment', async () => {
    api = await fakeApi({ [`POST /v1/deployments/${ORIGINAL}/rollback`]: { status: 202, body: created } });
    const { code, stdout } = await run(['rollback', ORIGINAL, '--force', '--reason', 'v2 breaks checkout', '--api', api.url]);
    expect(code).toBe(0);
    expect(api.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `/v1/deployments/${ORIGINAL}/rollback`, { force: true, reason: 'v2 breaks checkout' }],
    ]);
    expect(stdout.split('\n')[0]).toBe(`${NEW} QUEUED (rollback of ${ORIGINAL})`);
  });

  it('--application/--environment rolls back the latest SUCCEEDED deployment of them; --follow follows the new one', async () => {
    const { hosts: _h, ...summary } = runningDeployment({ status: 'SUCCEEDED' });
    const finished = runningDeployment({ id: NEW, version: 'v1', status: 'SUCCEEDED', rollbackOf: ORIGINAL, hosts: [] });
    api = await fakeApi({
      'GET /v1/deployments': { body: { deployments: [{ ...summary, hostCounts: { total: 3, DONE: 3 } }] } },
      [`POST /v1/deployments/${ORIGINAL}/rollback`]: { status: 202, body: created },
      [`GET /v1/deployments/${NEW}`]: { body: finished },
    });
    const { code } = await run(['rollback', '--application', 'shop', '--environment', 'production', '--follow', '--api', api.url]);
    expect(code).toBe(0);
    expect(api.requests[0]?.url).toBe('/v1/deployments?application=shop&environment=production&status=SUCCEEDED&limit=1');
    expect(api.requests[1]).toMatchObject({ method: 'POST', url: `/v1/deployments/${ORIGINAL}/rollback`, body: {} });
    expect(api.requests.slice(2).every((r) => r.url.startsWith(`/v1/deployments/${NEW}`))).toBe(true);
  });

  it("a refusal prints the API's reason and exits 2; without an id or a target it says what to give", async () => {
    api = await fakeApi({
      [`POST /v1/deployments/${ORIGINAL}/rollback`]: {
        status: 409,
        body: { error: 'AlreadyRolledBack', message: `deployment ${ORIGINAL} is already rolled back by ${NEW}` },
      },
    });
    const refused = await run(['rollback', ORIGINAL, '--api', api.url]);
    expect([refused.code, refused.stderr]).toEqual([2, `error: deployment ${ORIGINAL} is already rolled back by ${NEW} (AlreadyRolledBack, HTTP 409)\n`]);
    const usage = await run(['rollback', '--application', 'shop', '--api', api.url]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--application and --environment');
  });
});
