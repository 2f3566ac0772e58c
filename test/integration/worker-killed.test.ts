import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type RunningPostgres, startPostgres } from '../fleet/postgres.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { expectRecordsKept, type StepRecord } from '../support/step-records.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';
import { type ServiceProcess, startWorkerProcess } from '../support/worker-process.ts';

// Durability: the worker process is SIGKILLed in the middle of a host's
// steps and started again; the deploy finishes and no host is left drained.
// The API runs here and the worker in its own process, sharing a real Postgres.

let fleet: Fleet;
let pg: RunningPostgres;
let v: Vesemir;
let worker: ServiceProcess | undefined;
beforeAll(async () => {
  [fleet, pg] = await Promise.all([startFleet({ vms: 4 }), startPostgres()]);
  v = await startVesemir(fleet, { DATABASE_URL: pg.url });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await v?.close();
  await fleet?.stop();
  await pg?.stop();
});

describe('a worker killed mid-deploy', () => {
  it("finishes the deploy after a restart, every VM on v2 and none drained, the killed worker's step records kept", async () => {
    const env = {
      ...fleet.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: v.config.TEMPORAL_TASK_QUEUE,
      DATABASE_URL: pg.url,
      VESEMIR_DATA_DIR: `${fleet.dir}/worker-data`,
      LOG_LEVEL: 'info',
    };
    worker = await startWorkerProcess(env);
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact, { concurrency: 2 }) });
    const { id } = res.json();

    // Kill it once a host has been drained and is between its steps.
    let drained: string | undefined;
    await expect
      .poll(
        async () => {
          const d = (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();
          drained = d.hosts.find((h: { steps: { name: string; status: string }[] }) =>
            h.steps.some((s) => s.name === 'drain' && s.status === 'SUCCEEDED'),
          )?.name;
          return drained !== undefined;
        },
        { timeout: 30_000, interval: 20 },
      )
      .toBe(true);
    await worker.kill();
    const logsOf = async (host: string): Promise<StepRecord[]> =>
      (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}/logs?host=${host}` })).json().steps;
    const beforeKill = await logsOf(drained!);
    expect(beforeKill.map((s) => s.step)).toEqual(expect.arrayContaining(['inspect', 'stage', 'drain']));
    const during = await lbStates(fleet);
    expect(during.flat().some((s) => s.admin !== 'ready')).toBe(true);

    worker = await startWorkerProcess(env);
    const done = await waitForDeployment(v.api, id, 120_000);
    expect(done.status, JSON.stringify(done.hosts.map((h: { name: string; status: string; error: string }) => [h.name, h.status, h.error]))).toBe('SUCCEEDED');
    for (const vm of fleet.vms) {
      expect((await fleet.exec(vm.name, ['readlink', '/opt/shop/current'])).stdout.trim()).toBe('releases/v2');
    }
    // Step records are append-only: what the killed worker recorded is still there, beside the new worker's runs.
    const afterRestart = await logsOf(drained!);
    expectRecordsKept(beforeKill, afterRestart);
    const oldWorker = beforeKill[0]!.worker;
    expect(oldWorker).toMatch(/^\d+@/);
    expect(afterRestart.some((s) => s.worker !== oldWorker && s.step === 'enable')).toBe(true);
    for (const states of await lbStates(fleet)) {
      expect(states.map((s) => [s.admin, s.weight])).toEqual(fleet.vms.map(() => ['ready', 100]));
    }
  });
});
