import { afterEach, describe, expect, it } from 'vitest';
import { failedDeployment, runningDeployment } from './support/fixtures.ts';
import { fakeApi, run } from './support/harness.ts';

// The commands against a tiny local HTTP server standing in for the API.

let api: Awaited<ReturnType<typeof fakeApi>>;
afterEach(() => api?.close());

const ID = 'd-0123456789abcdef';

describe('reading deployments', () => {
  it('status: the API from VESEMIR_API_URL, the token as a Bearer header, a row per host', async () => {
    api = await fakeApi({ [`GET /v1/deployments/${ID}`]: { body: failedDeployment() } });
    const { code, stdout } = await run(['status', ID], { env: { VESEMIR_API_URL: api.url, VESEMIR_TOKEN: 's3cret' } });
    expect(code).toBe(0);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer s3cret');
    expect(stdout).toContain('  shop-vm2  ROLLED_BACK  ■■■■✗·· ↺■■■■');
    expect(stdout).toContain('step health failed (attempt 1): not healthy after 2s: HTTP 500');
    expect(stdout).toContain('deploy-d-0123456789abcdef');
  });

  it('status --json prints the API answer as it came; --api and --token win over the environment', async () => {
    api = await fakeApi({ [`GET /v1/deployments/${ID}`]: { body: runningDeployment() } });
    const { code, stdout } = await run(['status', ID, '--json', '--api', api.url, '--token', 'flag'], {
      env: { VESEMIR_API_URL: 'http://127.0.0.1:9', VESEMIR_TOKEN: 'env' },
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(runningDeployment());
    expect(api.requests[0]?.headers.authorization).toBe('Bearer flag');
  });

  it('list passes the filters as query parameters', async () => {
    const { hosts: _h, ...summary } = runningDeployment();
    api = await fakeApi({ 'GET /v1/deployments': { body: { deployments: [{ ...summary, hostCounts: { total: 3, DONE: 1 } }] } } });
    const { code, stdout } = await run(['list', '--application', 'shop', '--environment', 'production', '--status', 'running', '--api', api.url]);
    expect(code).toBe(0);
    expect(api.requests[0]?.url).toBe('/v1/deployments?application=shop&environment=production&status=RUNNING');
    expect(stdout.split('\n')[1]).toMatch(/^d-0123456789abcdef {2}shop {9}production {3}v2 {7}RUNNING {2}1\/3 {3}/);
  });
});

describe('the queue', () => {
  const queued = (id: string, version: string, queuePosition: number) => {
    const { hosts: _h, ...summary } = runningDeployment({ id, version, status: 'QUEUED', startedAt: null, queuePosition, waitingFor: ID });
    return { ...summary, hostCounts: { total: 0 } };
  };

  it('queue lists who holds the turn, then the deployments waiting, next first', async () => {
    api = await fakeApi({
      'GET /v1/deployments': { body: { deployments: [queued('d-cccc3333', 'v4', 2), queued('d-bbbb2222', 'v3', 1)] } },
      [`GET /v1/deployments/${ID}`]: { body: runningDeployment({ status: 'PAUSED' }) },
    });
    const { code, stdout } = await run(['queue', '--application', 'shop', '--environment', 'production', '--api', api.url]);
    expect(code).toBe(0);
    expect(api.requests[0]?.url).toBe('/v1/deployments?application=shop&environment=production&status=QUEUED&limit=500');
    expect(stdout.split('\n')).toEqual([
      `shop → production: ${ID} (v2, PAUSED) holds the turn; 2 waiting`,
      '#  ID          VERSION  REQUESTED BY  QUEUED AT',
      '1  d-bbbb2222  v3       payments      2024-06-01 12:00:00',
      '2  d-cccc3333  v4       payments      2024-06-01 12:00:00',
      '',
    ]);
  });

  it('queue says when nothing waits; status of a queued deployment says what it waits for', async () => {
    const waiting = runningDeployment({ id: 'd-bbbb2222', version: 'v3', status: 'QUEUED', startedAt: null, hosts: [], queuePosition: 1, waitingFor: ID });
    api = await fakeApi({
      'GET /v1/deployments': { body: { deployments: [] } },
      'GET /v1/deployments/d-bbbb2222': { body: waiting },
    });
    expect((await run(['queue', '--application', 'shop', '--environment', 'production', '--api', api.url])).stdout).toBe(
      'shop → production: no deployment waiting\n',
    );
    const { stdout } = await run(['status', 'd-bbbb2222', '--api', api.url]);
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`^shop v3 → production {2}QUEUED {2}.* {2}#1 in the queue, waiting for ${ID} {2}d-bbbb2222$`));
    expect(stdout).not.toContain('discovering hosts');
  });
});

describe('actions', () => {
  it('pause, resume, approve and retry POST {}; cancel --rollback POSTs {"rollback": true}', async () => {
    const answer = (status: string) => ({ body: { deploymentId: ID, status, message: status.toLowerCase() } });
    api = await fakeApi({
      [`POST /v1/deployments/${ID}/pause`]: answer('PAUSED'),
      [`POST /v1/deployments/${ID}/resume`]: answer('RUNNING'),
      [`POST /v1/deployments/${ID}/approve`]: answer('RUNNING'),
      [`POST /v1/deployments/${ID}/retry`]: answer('RUNNING'),
      [`POST /v1/deployments/${ID}/cancel`]: answer('CANCELLED'),
    });
    const outs: string[] = [];
    for (const argv of [
      ['pause', ID],
      ['resume', ID],
      ['approve', ID],
      ['retry', ID],
      ['cancel', ID],
      ['cancel', ID, '--rollback'],
    ]) {
      const { code, stdout } = await run([...argv, '--api', api.url]);
      expect(code).toBe(0);
      outs.push(stdout.trim());
    }
    expect(outs).toEqual([
      `${ID} PAUSED: paused`,
      `${ID} RUNNING: running`,
      `${ID} RUNNING: running`,
      `${ID} RUNNING: running`,
      `${ID} CANCELLED: cancelled`,
      `${ID} CANCELLED: cancelled`,
    ]);
    expect(api.requests.map((r) => [r.url, r.body])).toEqual([
      [`/v1/deployments/${ID}/pause`, {}],
      [`/v1/deployments/${ID}/resume`, {}],
      [`/v1/deployments/${ID}/approve`, {}],
      [`/v1/deployments/${ID}/retry`, {}],
      [`/v1/deployments/${ID}/cancel`, {}],
      [`/v1/deployments/${ID}/cancel`, { rollback: true }],
    ]);
  });
});

describe('errors', () => {
  it("an HTTP error prints the API's message (a 400: each field and what it expects), and exits 2", async () => {
    api = await fakeApi({
      'POST /v1/deployments': {
        status: 400,
        body: {
          error: 'BadRequest',
          message: 'invalid request: body.version: required, a release version such as "1.4.2"; body.concurrency: expected a number 1..500',
          issues: [
            { field: 'body.version', message: 'required, a release version such as "1.4.2"' },
            { field: 'body.concurrency', message: 'expected a number 1..500' },
          ],
        },
      },
      [`POST /v1/deployments/${ID}/approve`]: { status: 409, body: { error: 'Conflict', message: 'not waiting for approval' } },
    });
    const bad = await run(['deploy', '--application', 'shop', '--api', api.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: invalid request (BadRequest, HTTP 400)\n  body.version: required, a release version such as "1.4.2"\n  body.concurrency: expected a number 1..500\n',
    );
    const conflict = await run(['approve', ID, '--api', api.url]);
    expect([conflict.code, conflict.stderr]).toEqual([2, 'error: not waiting for approval (Conflict, HTTP 409)\n']);
  });

  it('a refused connection names the URL, and exits 2', async () => {
    api = await fakeApi({});
    const url = api.url;
    await api.close();
    const { code, stderr } = await run(['list'], { env: { VESEMIR_API_URL: url } });
    expect(code).toBe(2);
    expect(stderr).toBe(`error: cannot reach the Vesemir API at ${url}: connection refused (set --api or VESEMIR_API_URL)\n`);
  });

  it("bad usage exits 2 with commander's message", async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect((await run(['deploy', '--max-failed-hosts', 'two'])).stderr).toContain('not a whole number: two');
  });

  it('colors only on a terminal, and never with NO_COLOR', async () => {
    api = await fakeApi({ [`GET /v1/deployments/${ID}`]: { body: failedDeployment() } });
    expect((await run(['status', ID, '--api', api.url], { tty: true })).stdout).toContain('\x1b[31m');
    expect((await run(['status', ID, '--api', api.url], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await run(['status', ID, '--api', api.url, '--no-color'], { tty: true })).stdout).not.toContain('\x1b[');
    expect((await run(['status', ID, '--api', api.url])).stdout).not.toContain('\x1b[');
  });
});
