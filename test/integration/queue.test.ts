import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../cli/support/harness.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { apiCall, startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// The queue as a user sees it: two deploys behind a paused one, with their
// places in the API and the CLI; then the first of them, whose artifact URL
// does not resolve (and which was paused while it waited), fails within the
// documented bound with the reason, and the next one runs.

let fleet: Fleet;
let v: Vesemir;
let apiUrl: string;
let artifact: { url: string; sha256: string };
beforeAll(async () => {
  fleet = await startFleet({ vms: 2 });
  v = await startVesemir(fleet);
  await v.startWorker();
  apiUrl = await v.api.listen({ host: '127.0.0.1', port: 0 });
  artifact = await fleet.release('v2');
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
});

const inject = (method: 'GET' | 'POST', url: string, payload?: object) => apiCall(v.api, method, url, payload);
const get = (id: string) => inject('GET', `/v1/deployments/${id}`);

describe('the queue of an application/environment', () => {
  let holder: string;
  let unresolvable: string;
  let next: string;

  it('shows each queued deploy its place and the deploy it waits for, in GET, the list and `vesemir queue`', async () => {
    const { app } = fleet;
    const slow = fleet.deployRequest('v2', artifact, {
      concurrency: 1,
      haproxy: { backend: app.backend, chefTags: [app.lbTag], weight: 50, degradationSeconds: 1 },
    });
    holder = (await inject('POST', '/v1/deployments', slow)).id;
    await expect.poll(async () => (await get(holder)).status, { timeout: 20_000 }).toBe('RUNNING');
    await inject('POST', `/v1/deployments/${holder}/pause`);
    // (A sha256 the worker has cached would be served from its cache, whatever the URL.)
    const nowhere = { url: 'http://artifacts.invalid/shop-v3.tar.gz', sha256: '0'.repeat(64) };
    unresolvable = (await inject('POST', '/v1/deployments', fleet.deployRequest('v3', nowhere))).id;
    next = (await inject('POST', '/v1/deployments', fleet.deployRequest('v2', artifact))).id;

    expect(await get(unresolvable)).toMatchObject({ status: 'QUEUED', queuePosition: 1, waitingFor: holder });
    expect(await get(next)).toMatchObject({ status: 'QUEUED', queuePosition: 2, waitingFor: holder });
    expect((await get(holder)).queuePosition).toBeUndefined();
    const listed = await inject('GET', `/v1/deployments?application=${app.name}&environment=${app.environment}&status=QUEUED`);
    expect(listed.deployments.map((d: { id: string; queuePosition: number }) => [d.id, d.queuePosition])).toEqual([
      [next, 2],
      [unresolvable, 1],
    ]);

    const queue = await run(['queue', '--application', app.name, '--environment', app.environment, '--api', apiUrl]);
    expect(queue.code, queue.stderr).toBe(0);
    const lines = queue.stdout.split('\n');
    expect(lines[0]).toBe(`${app.name} → ${app.environment}: ${holder} (v2, PAUSED) holds the turn; 2 waiting`);
    expect(lines[2]).toMatch(new RegExp(`^1 {2}${unresolvable} {2}v3 `));
    expect(lines[3]).toMatch(new RegExp(`^2 {2}${next} {2}v2 `));
    const status = await run(['status', next, '--api', apiUrl]);
    expect(status.stdout).toContain(`#2 in the queue, waiting for ${holder}`);
  });

  it('fails the deploy whose artifact URL does not resolve within 90 s, with the reason, though paused; the next one then runs', async () => {
    // Paused while it waits: it starts PAUSED when its turn comes, and must not hold the turn for it.
    expect((await v.api.inject({ method: 'POST', url: `/v1/deployments/${unresolvable}/pause` })).statusCode).toBe(202);
    await inject('POST', `/v1/deployments/${holder}/resume`);
    const held = await waitForDeployment(v.api, holder);
    expect(held.status).toBe('SUCCEEDED');

    const failed = await waitForDeployment(v.api, unresolvable);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/^artifact http:\/\/artifacts\.invalid\/shop-v3\.tar\.gz could not be fetched: fetch failed \((ENOTFOUND|EAI_AGAIN)\)/);
    const tookMs = Date.parse(failed.finishedAt) - Date.parse(held.finishedAt);
    console.log(`the deploy whose artifact URL does not resolve failed ${(tookMs / 1000).toFixed(1)} s after its turn came`);
    expect(tookMs).toBeLessThan(90_000);
    // Found, never touched.
    for (const host of failed.hosts) expect(host).toMatchObject({ status: 'PENDING', steps: [] });

    const ran = await waitForDeployment(v.api, next);
    expect(ran.status).toBe('SUCCEEDED');
    expect(Date.parse(ran.startedAt)).toBeGreaterThanOrEqual(Date.parse(failed.finishedAt));
  }, 150_000);
});
