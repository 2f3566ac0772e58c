import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
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

describe('the lock decides, and a cancel from Temporal is honoured', () => {
  it('accepts exactly one of 20 concurrent queue:false requests; the 19 others are 409 naming it', async () => {
    // Slow enough (a 2 s bake per host) that the accepted one still runs when the last request is decided.
    const body = {
      ...fleet.deployRequest('v2', artifact, {
        concurrency: 1,
        haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 2 },
      }),
      queue: false,
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(body)));
    const accepted = answers.filter((r) => r.statusCode === 202);
    const refused = answers.filter((r) => r.statusCode === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const id = accepted[0]!.json().id;
    for (const r of refused) expect(r.json()).toMatchObject({ error: 'DeploymentInProgress', runningDeploymentId: id });
    expect((await waitForDeployment(v.api, id)).status).toBe('SUCCEEDED');
  });
});

describe('controls racing the end of a deploy', () => {
  it('answers 50 cancels fired at random moments around the end with 200, 202 or 409 within 2 s, never a 5xx', async () => {
    // How long a deploy takes here, to aim the cancels at its end: from a warm one, then from each round that ran to its end.
    const duration = (d: { createdAt: string; finishedAt: string }) => Date.parse(d.finishedAt) - Date.parse(d.createdAt);
    await waitForDeployment(v.api, (await post(fleet.deployRequest('v2', artifact))).json().id);
    let took = duration(await waitForDeployment(v.api, (await post(fleet.deployRequest('v2', artifact))).json().id));
    const answers: { code: number; ms: number }[] = [];
    for (let round = 0; round < 10; round++) {
      const posted = Date.now();
      const { id } = (await post(fleet.deployRequest('v2', artifact))).json();
      await Promise.all(
        Array.from({ length: 5 }, async () => {
          await sleep(posted + took * (0.4 + Math.random() * 0.8) - Date.now());
          const sent = performance.now();
          const res = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/cancel`, payload: {} });
          answers.push({ code: res.statusCode, ms: performance.now() - sent });
        }),
      );
      const done = await waitForDeployment(v.api, id);
      if (done.status === 'SUCCEEDED') took = duration(done);
    }
    const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
    const p99 = ms[Math.ceil(ms.length * 0.99) - 1]!;
    const codes = new Map<number, number>();
    for (const a of answers) codes.set(a.code, (codes.get(a.code) ?? 0) + 1);
    console.log(
      `cancels around a deploy's end (${took} ms): p99 time-to-answer ${p99.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms; ` +
        [...codes].map(([code, n]) => `${n}× ${code}`).join(', '),
    );
    expect(answers.filter((a) => ![200, 202, 409].includes(a.code))).toEqual([]);
    expect(answers.map((a) => a.code)).toContain(409);
    expect(p99).toBeLessThan(2000);
  });
});

describe('a control while the worker is away', () => {
  it('is answered within 2 s (202: sent, not yet confirmed) and taken when the worker is back', async () => {
    const slow = fleet.deployRequest('v2', artifact, {
      concurrency: 1,
      haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 1 },
    });
    const holder = (await post(slow)).json().id;
    const queued = (await post(fleet.deployRequest('v2', artifact))).json().id;
    await expect.poll(async () => (await get(holder)).status, { timeout: 20_000 }).toBe('RUNNING');
    await v.api.inject({ method: 'POST', url: `/v1/deployments/${holder}/pause` });
    // Nothing in flight, so the worker stops at once.
    await expect.poll(async () => (await get(holder)).hosts.some((h: { status: string }) => h.status === 'RUNNING'), { timeout: 20_000 }).toBe(false);
    await v.stopWorker();
    try {
      const sent = Date.now();
      const res = await v.api.inject({ method: 'POST', url: `/v1/deployments/${queued}/cancel`, payload: {} });
      expect(Date.now() - sent).toBeLessThan(2000);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().message).toContain("'cancel' sent; the deployment has not confirmed it within 1.5 s");
    } finally {
      await v.startWorker();
    }
    expect((await waitForDeployment(v.api, queued)).status).toBe('CANCELLED');
    await v.api.inject({ method: 'POST', url: `/v1/deployments/${holder}/resume` });
    expect((await waitForDeployment(v.api, holder)).status).toBe('SUCCEEDED');
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
