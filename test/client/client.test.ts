import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, ConnectionError, type Deployment, type DeployRequest, VesemirClient, WaitAborted } from '../../src/client/index.ts';
import { scriptedApi } from './server.ts';

// The typed client against the real HTTP API (its services stand-ins): what a
// pipeline step does with it, and the errors it meets.

let api: Awaited<ReturnType<typeof scriptedApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const body: DeployRequest = {
  application: 'shop',
  environment: 'production',
  team: 'payments',
  version: 'v3',
  artifact: { url: 'https://artifacts.example.com/shop-v3.tar.gz', sha256: 'c0ffee'.padEnd(64, '0') },
  concurrency: [1, '50%'],
  canary: { hosts: 1, bakeSeconds: 60 },
  healthCheck: { port: 8000 },
};

describe('VesemirClient', () => {
  it('deploys with an Idempotency-Key and waits for the end, reporting each state', async () => {
    api = await scriptedApi(['RUNNING', 'WAITING_APPROVAL', 'SUCCEEDED']);
    const client = new VesemirClient({ baseUrl: api.url });
    const created = await client.deploy(body, { idempotencyKey: 'ci-1234' });
    expect(created).toMatchObject({ id: 'd-00000001', status: 'QUEUED' });
    expect(api.created[0]?.idempotencyKey).toBe('ci-1234');
    expect(api.created[0]?.request.canary).toEqual({ hosts: 1, requireApproval: false, bakeSeconds: 60 });
    const seen: [string, string | undefined][] = [];
    const done = await client.waitForDeployment(created.id, { pollMs: 5, onProgress: (d, prev) => seen.push([d.status, prev?.status]) });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.request?.version).toBe('v3');
    expect(seen).toEqual([
      ['RUNNING', undefined],
      ['WAITING_APPROVAL', 'RUNNING'],
      ['SUCCEEDED', 'WAITING_APPROVAL'],
    ]);
  });

  it('stops waiting (not the deploy) when its signal aborts', async () => {
    api = await scriptedApi(['RUNNING']);
    const client = new VesemirClient({ baseUrl: api.url });
    const { id } = await client.deploy(body);
    const stop = new AbortController();
    const wait = client.waitForDeployment(id, { pollMs: 60_000, signal: stop.signal, onProgress: () => stop.abort() });
    await expect(wait).rejects.toBeInstanceOf(WaitAborted);
  });

  it("answers the API's error body as a typed ApiError: type, message, field issues, docs link", async () => {
    api = await scriptedApi(['RUNNING']);
    const client = new VesemirClient({ baseUrl: api.url });
    const missing = await client.getDeployment('d-00000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, type: 'NotFound', message: 'deployment d-00000000 not found' });
    expect((missing as ApiError).body.docs).toMatch(/runbook\.md#notfound$/);
    const invalid = await client.deploy({ ...body, concurrency: 0 }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, type: 'BadRequest' });
    expect((invalid as ApiError).body.issues?.map((i) => i.field)).toContain('body.concurrency');
  });

  it('a refused connection is a ConnectionError naming the URL; a wait rides out a few of them', async () => {
    const closed = await scriptedApi([]);
    await closed.close();
    const client = new VesemirClient({ baseUrl: `${closed.url}/` });
    const err = await client.listDeployments().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toBe(`cannot reach the Vesemir API at ${closed.url}: connection refused (set --api or VESEMIR_API_URL)`);
    let calls = 0;
    const flaky = new VesemirClient({
      fetch: async (input) => {
        if (++calls < 3) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        const url = (input as Request).url;
        const d = { id: 'd-1', status: 'SUCCEEDED', hosts: [] } as unknown as Deployment;
        return Response.json(url.endsWith('/v1/deployments/d-1') ? d : {});
      },
    });
    expect((await flaky.waitForDeployment('d-1', { pollMs: 1 })).status).toBe('SUCCEEDED');
    expect(calls).toBe(3);
  });

  it('waits for a VM request until every VM is READY, FAILED or CANCELLED', async () => {
    const answers = [
      ['REQUESTED', 'PROVISIONING'],
      ['READY', 'PROVISIONING'],
      ['READY', 'FAILED'],
    ];
    const requests: string[] = [];
    const client = new VesemirClient({
      baseUrl: 'http://api',
      token: 't0k3n',
      fetch: async (input) => {
        const req = input as Request;
        requests.push(`${req.method} ${new URL(req.url).pathname} ${req.headers.get('authorization')}`);
        const statuses = answers.length > 1 ? answers.shift()! : answers[0]!;
        return Response.json({ id: 'vr-12345678', vms: statuses.map((status, i) => ({ name: `vm${i}`, status })) });
      },
    });
    const done = await client.waitForVms('vr-12345678', { pollMs: 1 });
    expect(done.vms.map((vm) => vm.status)).toEqual(['READY', 'FAILED']);
    expect(requests).toEqual(Array(3).fill('GET /v1/vm-requests/vr-12345678 Bearer t0k3n'));
  });
});
