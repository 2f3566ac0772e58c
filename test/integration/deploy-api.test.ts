import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../fleet/fleet.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// The API's promises: idempotency, one deploy at a time per
// application/environment, and bad input refused before anything starts.

let fleet: Fleet;
let v: Vesemir;
let artifact: { url: string; sha256: string };
beforeAll(async () => {
  fleet = await startFleet({ vms: 2 });
  v = await startVesemir(fleet);
  await v.startWorker();
  artifact = await fleet.release('v2');
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
});

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  v.api.inject({ method: 'POST', url: '/v1/deployments', payload: payload as object, headers });
const get = async (id: string) => (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();

describe('idempotency and the per-application queue', () => {
  it('answers the same deployment for the same Idempotency-Key, with one workflow', async () => {
    const body = fleet.deployRequest('v2', artifact);
    const first = await post(body, { 'idempotency-key': 'release-42' });
    const second = await post(body, { 'idempotency-key': 'release-42' });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    const reused = await post({ ...body, version: 'v9' }, { 'idempotency-key': 'release-42' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error).toBe('IdempotencyKeyReused');
    await waitForDeployment(v.api, first.json().id);
    // A repeat after the deployment finished answers it again and starts nothing.
    const late = await post(body, { 'idempotency-key': 'release-42' });
    expect(late.statusCode).toBe(200);
    expect(late.json().status).toBe('SUCCEEDED');
    const runs = [];
    for await (const wf of v.ctx.client.workflow.list({ query: `WorkflowId = 'deploy-${first.json().id}'` })) runs.push(wf);
    expect(runs).toHaveLength(1);
  });

  it('queues a second deploy of the same application until the first ends, or refuses it with queue:false', async () => {
    const slow = fleet.deployRequest('v2', artifact, {
      concurrency: 1,
      haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 2 },
    });
    const a = (await post(slow)).json();
    const b = (await post(fleet.deployRequest('v2', artifact))).json();
    await expect.poll(async () => (await get(a.id)).status, { timeout: 20_000 }).toBe('RUNNING');
    expect((await get(b.id)).status).toBe('QUEUED');
    const refused = await post({ ...fleet.deployRequest('v2', artifact), queue: false });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().runningDeploymentId).toBe(a.id);

    const doneA = await waitForDeployment(v.api, a.id);
    const doneB = await waitForDeployment(v.api, b.id);
    expect(doneA.status).toBe('SUCCEEDED');
    expect(doneB.status).toBe('SUCCEEDED');
    expect(Date.parse(doneB.startedAt)).toBeGreaterThanOrEqual(Date.parse(doneA.finishedAt));
  });
});

describe('bad input', () => {
  const valid = () => fleet.deployRequest('v2', artifact);
  const cases: [string, (b: Record<string, unknown>) => void, string][] = [
    ['missing application', (b) => delete b.application, 'body.application'],
    ['wrong type', (b) => (b.concurrency = 'two'), 'body.concurrency'],
    ['concurrency 0', (b) => (b.concurrency = 0), 'body.concurrency'],
    ['application with ;', (b) => (b.application = 'shop;rm -rf /'), 'body.application'],
    ['application with $(', (b) => (b.application = '$(reboot)'), 'body.application'],
    ['application with a space', (b) => (b.application = 'my shop'), 'body.application'],
    ['application with ..', (b) => (b.application = '..'), 'body.application'],
    ['version with ..', (b) => (b.version = 'v1/../../etc'), 'body.version'],
    ['non-hex sha256', (b) => (b.artifact = { url: artifact.url, sha256: 'z'.repeat(64) }), 'body.artifact.sha256'],
    ['unknown field', (b) => (b.shell = 'rm'), 'body'],
  ];
  it.each(cases)('%s → 400 naming the field', async (_name, mutate, field) => {
    const body = valid() as unknown as Record<string, unknown>;
    mutate(body);
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it('refuses an application this server does not know with 422, and starts nothing', async () => {
    const before = (await v.api.inject({ method: 'GET', url: '/v1/deployments' })).json().deployments.length;
    const res = await post({ ...valid(), application: 'unknown-app' });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain("'unknown-app' is not configured");
    const after = (await v.api.inject({ method: 'GET', url: '/v1/deployments' })).json().deployments.length;
    expect(after).toBe(before);
  });
});
