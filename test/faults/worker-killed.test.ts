import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type RunningPostgres, startPostgres } from '../fleet/postgres.ts';
import { type ServiceProcess, startWorkerProcess } from '../support/worker-process.ts';
import { type ApiInstance, faultConfig, startApi } from './api-and-worker.ts';
import { getLogs, postDeploy, sleep, waitTerminal } from './deployment-api.ts';
import { faultRandom } from './disruptions.ts';
import { expectAllOn, stepOrderViolations, stepTimings } from './outcome-checks.ts';

// SIGKILL the worker process at a random moment of a 6-host deploy
// (concurrency 2) and start it again, trial after trial on one fleet, one
// Postgres and one worker configuration; each trial deploys a new version.
// VESEMIR_FAULT_TRIALS raises the count, VESEMIR_FAULT_SEED replays a run.

const TRIALS = Number(process.env.VESEMIR_FAULT_TRIALS ?? 10);
const random = faultRandom();
console.log(`worker-killed faults: seed ${random.seed} (VESEMIR_FAULT_SEED=${random.seed} reproduces), ${TRIALS} trials`);

let fleet: Fleet;
let pg: RunningPostgres;
let api: ApiInstance;
let worker: ServiceProcess | undefined;
let workerEnv: Record<string, string>;
beforeAll(async () => {
  [fleet, pg] = await Promise.all([startFleet({ vms: 6 }), startPostgres()]);
  const config = faultConfig(fleet, inject('temporalAddress'), { DATABASE_URL: pg.url });
  api = await startApi(config);
  workerEnv = {
    ...fleet.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    DATABASE_URL: pg.url,
    VESEMIR_DATA_DIR: `${fleet.dir}/worker-data`,
    LOG_LEVEL: 'info',
  };
  worker = await startWorkerProcess(workerEnv);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await fleet?.stop();
  await pg?.stop();
});

const hosts = () => fleet.vms.map((vm) => vm.name);

/** After every deploy: SUCCEEDED, all on `version`, all READY at 100, every host's steps in order. */
async function expectClean(id: string, version: string, timeoutMs: number, context: string) {
  const done = await waitTerminal(() => api.api, id, timeoutMs);
  expect(done.status, `${context}: ${JSON.stringify(done.hosts.map((h) => [h.name, h.status, h.error]))}`).toBe('SUCCEEDED');
  expect(done.hosts.map((h) => h.status)).toEqual(hosts().map(() => 'DONE'));
  await expectAllOn(fleet, version);
  expect(stepOrderViolations(await getLogs(api.api, id), hosts()), context).toEqual([]);
}

describe('the worker SIGKILLed at random moments of a deploy', () => {
  let expectedMs = 0;

  it('measures one clean 6-host deploy at concurrency 2', async () => {
    const started = Date.now();
    const id = await postDeploy(api.api, fleet, 'v2', { concurrency: 2 });
    await expectClean(id, 'v2', 60_000, 'clean run');
    expectedMs = Date.now() - started;
    console.log(`clean deploy: ${expectedMs} ms; steps: ${stepTimings(await getLogs(api.api, id))}`);
  });

  it(
    `survives ${TRIALS} kills and restarts (seed ${random.seed})`,
    async () => {
      expect(expectedMs).toBeGreaterThan(0);
      const recoveries: string[] = [];
      for (let trial = 1; trial <= TRIALS; trial++) {
        const version = `k${trial}`;
        const artifact = await fleet.release(version);
        const killAfter = Math.round(random.next() * expectedMs);
        const context = `trial ${trial}, seed ${random.seed}, kill after ${killAfter} ms`;
        const res = await api.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, artifact, { concurrency: 2 }) });
        expect(res.statusCode, res.body).toBe(202);
        const id = res.json().id as string;
        await sleep(killAfter);
        const killedAt = Date.now();
        await worker!.kill();
        worker = await startWorkerProcess(workerEnv);
        const restartMs = Date.now() - killedAt;
        try {
          // Heartbeat timeout (5 s) plus a restart: generous, but bounded.
          await expectClean(id, version, 90_000, context);
        } catch (err) {
          console.log(`${context}: worker output:\n${worker.output().slice(-4000)}`);
          throw err;
        }
        recoveries.push(`${killAfter}/${restartMs}/${Date.now() - killedAt}`);
      }
      console.log(`per trial, ms: killed after / worker back after / SUCCEEDED after the kill: ${recoveries.join(', ')}`);
    },
    120_000 + TRIALS * 60_000,
  );
});
