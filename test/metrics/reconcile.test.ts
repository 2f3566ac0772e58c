import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/metrics/registry.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { apiCall, startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';
import { parseSamples, sampleValue } from './prom-text.ts';

// The deployment metrics add up: deploys run through the queue (one paused
// while it holds the turn, one paused while queued, one cancelled while
// queued), and /metrics is read while they wait and after they end.

let fleet: Fleet;
let v: Vesemir;
let metrics: Metrics;
beforeAll(async () => {
  fleet = await startFleet({ vms: 2 });
  metrics = createMetrics({ processMetrics: false });
  v = await startVesemir(fleet, {}, { metrics });
  await v.startWorker();
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
});

const inject = (method: 'GET' | 'POST', url: string, payload?: object) => apiCall(v.api, method, url, payload);
const statusOf = async (id: string) => (await inject('GET', `/v1/deployments/${id}`)).status;

async function scrape() {
  const samples = parseSamples((await v.api.inject({ method: 'GET', url: '/metrics' })).body);
  const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels) ?? 0;
  const outcomes = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'CANCELLED_WHILE_QUEUED', 'FAILED_WHILE_QUEUED'];
  const finished = Object.fromEntries(outcomes.map((o) => [o, value('vesemir_deployments_finished_total', { outcome: o })]));
  const inFlight = Object.fromEntries(
    ['QUEUED', 'RUNNING', 'PAUSED', 'WAITING_APPROVAL'].map((s) => [s, value('vesemir_deployments_in_flight', { status: s })]),
  );
  return {
    queued: value('vesemir_deployments_queued_total'),
    started: value('vesemir_deployments_started_total'),
    finished,
    finishedTotal: Object.values(finished).reduce((a, b) => a + b, 0),
    inFlight,
  };
}

describe('deployment metrics', () => {
  it('count every run queued, started and finished, a cancel while queued as such, and add up', async () => {
    const slow = fleet.deployRequest('v2', await fleet.release('v2'), {
      concurrency: 1,
      haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 1 },
    });
    const holder = (await inject('POST', '/v1/deployments', slow)).id;
    await expect.poll(() => statusOf(holder), { timeout: 20_000 }).toBe('RUNNING');
    await inject('POST', `/v1/deployments/${holder}/pause`);
    const pausedWhileQueued = (await inject('POST', '/v1/deployments', slow)).id;
    await inject('POST', `/v1/deployments/${pausedWhileQueued}/pause`);
    const cancelled = (await inject('POST', '/v1/deployments', slow)).id;
    await inject('POST', `/v1/deployments/${cancelled}/cancel`);
    expect((await waitForDeployment(v.api, cancelled)).status).toBe('CANCELLED');

    await expect.poll(scrape, { timeout: 10_000 }).toMatchObject({ queued: 3, started: 1, finishedTotal: 1, finished: { CANCELLED_WHILE_QUEUED: 1 } });
    expect((await scrape()).inFlight).toEqual({ QUEUED: 1, RUNNING: 0, PAUSED: 1, WAITING_APPROVAL: 0 });

    await inject('POST', `/v1/deployments/${holder}/resume`);
    expect((await waitForDeployment(v.api, holder)).status).toBe('SUCCEEDED');
    // Its turn came while it was paused: it starts PAUSED, and counts as started.
    await expect.poll(() => statusOf(pausedWhileQueued), { timeout: 20_000 }).toBe('PAUSED');
    await inject('POST', `/v1/deployments/${pausedWhileQueued}/resume`);
    expect((await waitForDeployment(v.api, pausedWhileQueued)).status).toBe('SUCCEEDED');

    await expect.poll(scrape, { timeout: 10_000 }).toMatchObject({ finishedTotal: 3 });
    const end = await scrape();
    expect(end).toMatchObject({ queued: 3, started: 2, finished: { SUCCEEDED: 2, CANCELLED_WHILE_QUEUED: 1, FAILED: 0, CANCELLED: 0 } });
    expect(end.started + end.finished.CANCELLED_WHILE_QUEUED!).toBe(end.finishedTotal);
    expect(end.queued).toBe(end.finishedTotal);
    expect(end.inFlight).toEqual({ QUEUED: 0, RUNNING: 0, PAUSED: 0, WAITING_APPROVAL: 0 });
  });
});
