import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningPostgres, startPostgres } from '../fleet/postgres.ts';
import { NEW_OS, OLD_OS, type RecycleWorld, startRecycleWorld } from '../fleet/recycle-world.ts';
import { clientLoop } from '../support/fleet-probes.ts';
import { type ServiceProcess, startWorkerProcess } from '../support/worker-process.ts';
import { faultRandom } from './disruptions.ts';

// Durability of a fleet recycle: the worker process is SIGKILLed once at a
// seeded moment of the first batch (VESEMIR_FAULT_SEED picks it) and started
// again; the recycle ends as it would have: SUCCEEDED, the 4 new VMs serving,
// the 4 old DECOMMISSIONED, no server left drained. The API runs here and the
// worker in its own process, sharing a real Postgres.

const MOMENTS = ['PROVISIONING', 'DEPLOYING', 'SERVING', 'RETIRING'] as const;
// A new moment each run, printed: VESEMIR_FAULT_SEED replays it (each of the four has passed).
const { seed } = faultRandom();
const moment = MOMENTS[seed % MOMENTS.length]!;

let pg: RunningPostgres;
let w: RecycleWorld;
let worker: ServiceProcess | undefined;
let env: Record<string, string>;
beforeAll(async () => {
  pg = await startPostgres();
  w = await startRecycleWorld({ DATABASE_URL: pg.url });
  env = {
    ...w.fleet.env,
    ...w.workerEnv,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: w.v.config.TEMPORAL_TASK_QUEUE,
    DATABASE_URL: pg.url,
    VESEMIR_DATA_DIR: `${w.fleet.dir}/worker-data`,
    LOG_LEVEL: 'info',
  };
  worker = await startWorkerProcess(env);
  await w.prepare();
}, 240_000);
afterAll(async () => {
  await worker?.stop();
  await w?.stop();
  await pg?.stop();
});

describe('a worker killed mid-recycle', () => {
  it(`finishes as it would have after a SIGKILL while a new VM is ${moment} (seed ${seed})`, async () => {
    const traffic = clientLoop(`${w.fleet.haproxies[0]!.frontendUrl}/`);
    const id = await w.startRecycle();
    const reached = async () => {
      const batch = (await w.get(id)).batches[0];
      const rows = moment === 'RETIRING' ? batch?.old : batch?.new;
      return rows?.some((vm) => vm.status === moment) ?? false;
    };
    for (const deadline = Date.now() + 120_000; !(await reached()); ) {
      if (Date.now() > deadline) throw new Error(`recycle ${id} never reached ${moment}: ${JSON.stringify(await w.get(id))}`);
      await new Promise((done) => setTimeout(done, 20));
    }
    await worker!.kill();
    console.info(`killed the worker at ${moment} (seed ${seed})`);
    worker = await startWorkerProcess(env);
    const r = await w.waitForEnd(id);
    const counts = await traffic.stop();
    console.info(`recycle ${r.status}: ${JSON.stringify(r.counts)}; traffic ${counts.ok} ok, ${counts.failed} failed`);
    expect(r.status, r.error ?? '').toBe('SUCCEEDED');
    expect(counts.failed, counts.errors.slice(0, 5).join('; ')).toBe(0);
    expect(r.counts).toEqual({ before: { [OLD_OS]: 4 }, after: { [NEW_OS]: 4 } });
    const newNames = r.batches.flatMap((b) => b.new.map((vm) => vm.name)).sort();
    expect(newNames).toHaveLength(4);
    const servers = await w.servers();
    expect(servers.map((s) => s.server).sort()).toEqual(newNames);
    expect(servers.every((s) => s.admin === 'ready' && s.weight === s.initialWeight)).toBe(true);
    for (const old of r.batches.flatMap((b) => b.old)) expect((await w.v.ctx.vmStore.getVm(old.name))?.status).toBe('DECOMMISSIONED');
    // One VM per slot: the restart created no extra VM.
    expect((await w.v.ctx.vmStore.listVms({ application: 'shop', environment: 'production', osVersion: NEW_OS })).length).toBe(4);
  }, 300_000);
});
