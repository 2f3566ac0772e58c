import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentId } from '../../src/api/deployment-service.ts';
import { ApiError, ConnectionError, type DeployRequest, VesemirClient, WaitAborted } from '../../src/client/index.ts';
import type { DeployRequest as StoredRequest } from '../../src/domain/deploy-request.ts';
import type { DeploymentStatus } from '../../src/domain/deployment.ts';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { type RealApi, startRealApi } from '../cli/support/real-api.ts';

// The typed client against the real API (auth on): what a pipeline step does
// with it, and the errors it meets. Deploys and VM requests really start on
// Temporal; the states a wait sees change are written into the real store the
// way the worker's activities write them, from the wait's own `sleep`.

const TOKEN = 't0k3n';
let api: RealApi;
beforeAll(async () => {
  // Provisioning is configured so VM requests are accepted; with no worker
  // running regular activities, no job is ever submitted to this address.
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-client-'));
  writeFileSync(join(dir, 'proctor-token'), 'unused', { mode: 0o600 });
  api = await startRealApi({
    token: TOKEN,
    appsFile: { provisioning: DEFAULT_PROVISIONING_SECTION },
    env: { PROCTOR_URL: 'http://127.0.0.1:9', PROCTOR_EMAIL_ID: 'ci@example.com', PROCTOR_ACCESS_TOKEN_PATH: join(dir, 'proctor-token') },
  });
}, 60_000);
afterAll(() => api?.close());

const client = () => new VesemirClient({ baseUrl: api.url, token: TOKEN });

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
    // Another deploy holds production's turn: this one waits in the queue, and only the test writes its state.
    await api.heldBy('production');
    const created = await client().deploy(body, { idempotencyKey: 'ci-1234' });
    // The id is the one the API derives from the key: the header reached it.
    expect(created).toMatchObject({ id: deploymentId(body as StoredRequest, 'ci-1234'), status: 'QUEUED' });
    expect((await client().deploy(body, { idempotencyKey: 'ci-1234' })).id).toBe(created.id);
    const store = api.ctx.store;
    await store.setStatus(created.id, 'RUNNING', new Date());
    const next: DeploymentStatus[] = ['WAITING_APPROVAL', 'SUCCEEDED'];
    const sleep = async () => store.setStatus(created.id, next.shift()!, new Date());
    const seen: [string, string | undefined][] = [];
    const done = await client().waitForDeployment(created.id, { sleep, onProgress: (d, prev) => seen.push([d.status, prev?.status]) });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.request?.version).toBe('v3');
    expect(done.request?.canary).toEqual({ hosts: 1, requireApproval: false, bakeSeconds: 60 });
    expect(seen).toEqual([
      ['RUNNING', undefined],
      ['WAITING_APPROVAL', 'RUNNING'],
      ['SUCCEEDED', 'WAITING_APPROVAL'],
    ]);
  });

  it('stops waiting (not the deploy) when its signal aborts', async () => {
    await api.heldBy('production');
    const c = client();
    const { id } = await c.deploy(body);
    const stop = new AbortController();
    const wait = c.waitForDeployment(id, { pollMs: 60_000, signal: stop.signal, onProgress: () => stop.abort() });
    await expect(wait).rejects.toBeInstanceOf(WaitAborted);
    expect((await c.getDeployment(id)).status).toBe('QUEUED');
  });

  it("answers the API's error body as a typed ApiError: type, message, field issues, docs link", async () => {
    const c = client();
    const missing = await c.getDeployment('d-00000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, type: 'NotFound', message: 'deployment d-00000000 not found' });
    expect((missing as ApiError).body.docs).toMatch(/runbook\.md#notfound$/);
    const invalid = await c.deploy({ ...body, concurrency: 0 }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, type: 'BadRequest' });
    expect((invalid as ApiError).body.issues?.map((i) => i.field)).toContain('body.concurrency');
    const anonymous = await new VesemirClient({ baseUrl: api.url }).listDeployments().catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ status: 401, type: 'Unauthorized' });
  });

  it('a refused connection is a ConnectionError naming the URL; a wait rides out a few of them', async () => {
    const d = await api.queued('staging');
    await d.running();
    await d.succeeded();
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const err = await new VesemirClient({ baseUrl: `${closed}/` }).listDeployments().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toBe(`cannot reach the Vesemir API at ${closed}: connection refused (set --api or VESEMIR_API_URL)`);
    // The API's port stops answering (its open connections cut), then listens again after two polls failed.
    const server = api.api.server;
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    const down = new VesemirClient({ baseUrl: api.url, token: TOKEN });
    let failedPolls = 0;
    const sleep = async () => {
      if (++failedPolls === 2) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    };
    expect((await down.waitForDeployment(d.id, { sleep })).status).toBe('SUCCEEDED');
    expect(failedPolls).toBe(2);
  });

  it('waits for a VM request until every VM is READY, FAILED or CANCELLED', async () => {
    const c = client();
    const { id, vms } = await c.createVms({
      application: 'shop',
      environment: 'production',
      team: 'payments',
      stack: 'java',
      osVersion: 'ubuntu-22.04',
      count: 2,
    });
    const [vm0, vm1] = vms.map((vm) => vm.name) as [string, string];
    // What the createVms workflow's activities write: a job submitted for each, one comes up, the other fails.
    const vmStore = api.ctx.vmStore;
    const steps = [
      async () => {
        await vmStore.transition(vm0, 'PROVISIONING', new Date(), { jobName: 'proctor-1', reason: 'job proctor-1 submitted' });
        await vmStore.transition(vm1, 'PROVISIONING', new Date(), { jobName: 'proctor-2', reason: 'job proctor-2 submitted' });
      },
      () => vmStore.transition(vm0, 'READY', new Date(), { address: '10.0.0.7' }),
      () => vmStore.transition(vm1, 'FAILED', new Date(), { reason: 'job proctor-2: told to fail' }),
    ];
    const seen: string[][] = [];
    const sleep = async () => {
      await steps.shift()?.();
    };
    const done = await c.waitForVms(id, { sleep, onProgress: (r) => seen.push(r.vms.map((vm) => vm.status)) });
    expect(done.vms.map((vm) => vm.status)).toEqual(['READY', 'FAILED']);
    expect(seen).toEqual([
      ['REQUESTED', 'REQUESTED'],
      ['PROVISIONING', 'PROVISIONING'],
      ['READY', 'PROVISIONING'],
      ['READY', 'FAILED'],
    ]);
  });
});

/** A port nothing listens on: one the OS just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
