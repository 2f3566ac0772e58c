import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type RunningPostgres, startPostgres } from '../fleet/postgres.ts';
import { type ServiceProcess, startWorkerProcess } from '../support/worker-process.ts';
import { type ApiInstance, faultConfig, startApi } from './api-and-worker.ts';
import { getDeployment, getLogs, postDeploy, waitForStep, waitTerminal } from './deployment-api.ts';
import { expectAllOn, stepOrderViolations } from './outcome-checks.ts';

// The API process goes away while deploys run (VESEMIR_ROLE=api and
// =worker as separate processes on one Postgres): closing the API — Fastify,
// its DB pool and its Temporal client — and building a new one loses nothing.

let fleet: Fleet;
let pg: RunningPostgres;
let config: Config;
let api: ApiInstance | undefined;
let worker: ServiceProcess | undefined;
beforeAll(async () => {
  [fleet, pg] = await Promise.all([startFleet({ vms: 4 }), startPostgres()]);
  config = faultConfig(fleet, inject('temporalAddress'), { DATABASE_URL: pg.url });
  api = await startApi(config);
  worker = await startWorkerProcess({
    ...fleet.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    DATABASE_URL: pg.url,
    VESEMIR_DATA_DIR: `${fleet.dir}/worker-data`,
    LOG_LEVEL: 'info', // startWorkerProcess waits for the 'worker running' line
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await fleet?.stop();
  await pg?.stop();
});

describe('the API restarted while deploys run', () => {
  it('answers for both deployments after a restart on the same database; both finish in order', async () => {
    const first = await postDeploy(api!.api, fleet, 'v2', { concurrency: 1 });
    // Wait for the first to touch hosts, so the second queues behind it (one
    // deployment per application/environment touches hosts at a time).
    await waitForStep(api!.api, first, 'stage');
    const second = await postDeploy(api!.api, fleet, 'v3', { concurrency: 2 });
    await waitForStep(api!.api, first, 'drain');
    expect((await getDeployment(api!.api, second)).status).toBe('QUEUED');

    await api!.close();
    api = undefined;
    api = await startApi(config);

    const mid = await getDeployment(api.api, first);
    expect(mid.status).toBe('RUNNING');
    expect(mid.hosts.map((h) => h.name).sort()).toEqual(fleet.vms.map((vm) => vm.name).sort());
    const listed = (await api.api.inject({ method: 'GET', url: '/v1/deployments?application=shop' })).json().deployments as { id: string }[];
    expect(listed.map((d) => d.id)).toEqual(expect.arrayContaining([first, second]));

    const a = await waitTerminal(() => api!.api, first, 90_000);
    expect(a.status, JSON.stringify(a.hosts)).toBe('SUCCEEDED');
    const b = await waitTerminal(() => api!.api, second, 90_000);
    expect(b.status, JSON.stringify(b.hosts)).toBe('SUCCEEDED');
    await expectAllOn(fleet, 'v3');
    const hosts = fleet.vms.map((vm) => vm.name);
    expect(stepOrderViolations(await getLogs(api.api, first), hosts)).toEqual([]);
    expect(stepOrderViolations(await getLogs(api.api, second), hosts)).toEqual([]);
    // In order: the second deployment touched no host before the first finished.
    const firstEnd = Math.max(...(await getLogs(api.api, first)).map((l) => Date.parse(l.finishedAt ?? l.startedAt)));
    const secondStart = Math.min(...(await getLogs(api.api, second)).map((l) => Date.parse(l.startedAt)));
    expect(secondStart).toBeGreaterThanOrEqual(firstEnd);
  });
});
