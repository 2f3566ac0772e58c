import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';
import { type Fleet, startFleet } from './fleet.ts';
import { type ProctorRunner, startProctorRunner } from './proctor-runner.ts';

export const OLD_OS = 'ubuntu-20.04';
export const NEW_OS = 'ubuntu-22.04';

export type RecycleVmRow = { name: string; status: string; error: string | null };
export type RecycleView = {
  id: string;
  status: string;
  error: string | null;
  release: string | null;
  batches: { index: number; status: string; old: RecycleVmRow[]; new: RecycleVmRow[] }[];
  counts: { before: Record<string, number> | null; after: Record<string, number> | null };
};

export interface RecycleWorld {
  fleet: Fleet;
  runner: ProctorRunner;
  v: Vesemir;
  /** What Vesemir's worker needs beyond fleet.env: the runner and a Chef client that may delete nodes. */
  workerEnv: Record<string, string>;
  /** New VMs whose service never starts the release: their health check fails. */
  unhealthy: Set<string>;
  /** 4 VMs on OLD_OS through POST /v1/vms (they join the backend as the LB box's config management would), deployed v2. */
  prepare(): Promise<void>;
  startRecycle(): Promise<string>;
  get(id: string): Promise<RecycleView>;
  waitForEnd(id: string): Promise<RecycleView>;
  readyCounts(): Promise<Record<string, number>>;
  servers(): Promise<Awaited<ReturnType<typeof lbStates>>[number]>;
  stop(): Promise<void>;
}

/** The world of the recycle tests: a fleet without VMs, the runner, Vesemir (its worker the caller's). */
export async function startRecycleWorld(vesemirEnv: Record<string, string> = {}): Promise<RecycleWorld> {
  const fleet = await startFleet({ vms: 0 });
  const unhealthy = new Set<string>();
  const runner = await startProctorRunner({
    chef: fleet.chef.admin,
    createVm: async (spec) => {
      const vm = await fleet.addVm(spec.name, { osVersion: spec.osVersion, inBackend: spec.osVersion === OLD_OS });
      if (unhealthy.has(spec.name)) await breakService(fleet, spec.name);
      return { address: vm.address };
    },
    stopVm: (name) => fleet.stopVm(name),
    defaultDelayMs: 200,
  });
  appendFileSync(
    fleet.env.VESEMIR_APPS_FILE!,
    stringify({ provisioning: { ...DEFAULT_PROVISIONING_SECTION, deadlineMinutes: 2, poll: { initialSeconds: 0.2, maxSeconds: 1 } } }),
  );
  writeFileSync(join(fleet.dir, 'proctor-token'), runner.credentials.accessToken, { mode: 0o600 });
  const workerEnv = {
    PROCTOR_URL: runner.url,
    PROCTOR_EMAIL_ID: runner.credentials.emailId,
    PROCTOR_ACCESS_TOKEN_PATH: join(fleet.dir, 'proctor-token'),
    ...(await fleet.retirerEnv()),
  };
  const v = await startVesemir(fleet, { ...workerEnv, ...vesemirEnv });
  const readyCounts = async () => (await v.ctx.vmStore.countVms({ application: 'shop', environment: 'production', status: 'READY' })).byOsVersion;
  const get = async (id: string) => (await v.api.inject({ method: 'GET', url: `/v1/fleet-recycles/${id}` })).json() as RecycleView;
  return {
    fleet,
    runner,
    v,
    workerEnv,
    unhealthy,
    readyCounts,
    get,
    async prepare() {
      const created = await v.api.inject({
        method: 'POST',
        url: '/v1/vms',
        payload: { application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: OLD_OS, count: 4 },
      });
      if (created.statusCode !== 202) throw new Error(`POST /v1/vms: ${created.statusCode} ${created.body}`);
      for (const deadline = Date.now() + 60_000; (await readyCounts())[OLD_OS] !== 4; ) {
        if (Date.now() > deadline) throw new Error(`the 4 VMs were not READY: ${JSON.stringify(await readyCounts())}`);
        await new Promise((done) => setTimeout(done, 200));
      }
      const artifact = await fleet.release('v2');
      const deploy = await v.api.inject({
        method: 'POST',
        url: '/v1/deployments',
        payload: fleet.deployRequest('v2', artifact, { concurrency: 2, healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 4 } }),
      });
      const done = await waitForDeployment(v.api, deploy.json().id);
      if (done.status !== 'SUCCEEDED') throw new Error(`the v2 deploy ${done.status}: ${done.error}`);
    },
    async startRecycle() {
      const res = await v.api.inject({
        method: 'POST',
        url: '/v1/fleet-recycles',
        payload: { application: 'shop', environment: 'production', fromOsVersion: OLD_OS, toOsVersion: NEW_OS, batchSize: 2 },
      });
      if (res.statusCode !== 202) throw new Error(`POST /v1/fleet-recycles: ${res.statusCode} ${res.body}`);
      return res.json().id as string;
    },
    async waitForEnd(id: string) {
      for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
        const r = await get(id);
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status)) return r;
        await new Promise((done) => setTimeout(done, 200));
      }
      throw new Error(`fleet recycle ${id} did not end`);
    },
    servers: async () => (await lbStates(fleet)).flat(),
    async stop() {
      await v.close();
      await runner.stop();
      await fleet.stop();
    },
  };
}

/** The service script of a new VM replaced by one that stops the app and starts nothing. */
async function breakService(fleet: Fleet, name: string): Promise<void> {
  const pid = `/run/vesemir/${fleet.app.name}.pid`;
  const script = `#!/bin/sh\n[ -f ${pid} ] && kill "$(cat ${pid})" 2>/dev/null\nrm -f ${pid}\nexit 0\n`;
  const res = await fleet.exec(name, ['sh', '-c', 'printf "%s" "$1" > /etc/vesemir/service && chmod 755 /etc/vesemir/service', 'sh', script]);
  if (res.exitCode !== 0) throw new Error(`could not break ${name}'s service: ${res.stderr}`);
}
