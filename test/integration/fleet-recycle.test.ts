import { appendFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { clientLoop, lbStates } from '../support/fleet-probes.ts';
import { recordWorkflow } from '../support/record-fixture.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Fleet recycle end to end on real peers: 4 VMs on ubuntu-20.04 created
// through POST /v1/vms (the runner boots them and, as the LB box's config
// management would, they join the backend), deployed v2, then recycled onto
// ubuntu-22.04 in batches of 2 while a client loops through HAProxy. First
// with one new VM that never gets healthy (compensated), then cleanly.

const OLD_OS = 'ubuntu-20.04';
const NEW_OS = 'ubuntu-22.04';
let fleet: Fleet;
let runner: ProctorRunner;
let v: Vesemir;
/** New VMs whose service never starts the release: their health check fails. */
const unhealthy = new Set<string>();

beforeAll(async () => {
  fleet = await startFleet({ vms: 0 });
  runner = await startProctorRunner({
    chef: fleet.chef.admin,
    createVm: async (spec) => {
      const vm = await fleet.addVm(spec.name, { osVersion: spec.osVersion, inBackend: spec.osVersion === OLD_OS });
      if (unhealthy.has(spec.name)) await breakService(spec.name);
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
  v = await startVesemir(fleet, {
    PROCTOR_URL: runner.url,
    PROCTOR_EMAIL_ID: runner.credentials.emailId,
    PROCTOR_ACCESS_TOKEN_PATH: join(fleet.dir, 'proctor-token'),
    ...(await fleet.retirerEnv()),
  });
  await v.startWorker();
  const created = await v.api.inject({
    method: 'POST',
    url: '/v1/vms',
    payload: { application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: OLD_OS, count: 4 },
  });
  expect(created.statusCode, created.body).toBe(202);
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
  expect(deploy.statusCode, deploy.body).toBe(202);
  expect((await waitForDeployment(v.api, deploy.json().id)).status).toBe('SUCCEEDED');
}, 240_000);
afterAll(async () => {
  await v?.close();
  await runner?.stop();
  await fleet?.stop();
});

type VmRow = { name: string; status: string; error: string | null };
type Recycle = {
  id: string;
  status: string;
  error: string | null;
  release: string | null;
  batches: { index: number; status: string; old: VmRow[]; new: VmRow[] }[];
  counts: { before: Record<string, number> | null; after: Record<string, number> | null };
};

async function readyCounts(): Promise<Record<string, number>> {
  return (await v.ctx.vmStore.countVms({ application: 'shop', environment: 'production', status: 'READY' })).byOsVersion;
}

/** The service script of a new VM replaced by one that stops the app and starts nothing. */
async function breakService(name: string): Promise<void> {
  const script = `#!/bin/sh\n[ -f /run/vesemir/${fleet.app.name}.pid ] && kill "$(cat /run/vesemir/${fleet.app.name}.pid)" 2>/dev/null\nrm -f /run/vesemir/${fleet.app.name}.pid\nexit 0\n`;
  const res = await fleet.exec(name, ['sh', '-c', `printf '%s' "$1" > /etc/vesemir/service && chmod 755 /etc/vesemir/service`, 'sh', script]);
  expect(res.exitCode, res.stderr).toBe(0);
}

async function recycle(): Promise<Recycle> {
  const res = await v.api.inject({
    method: 'POST',
    url: '/v1/fleet-recycles',
    payload: { application: 'shop', environment: 'production', fromOsVersion: OLD_OS, toOsVersion: NEW_OS, batchSize: 2 },
  });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json().id as string;
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
    const r = (await v.api.inject({ method: 'GET', url: `/v1/fleet-recycles/${id}` })).json() as Recycle;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status)) return r;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`fleet recycle ${id} did not end`);
}

const vmStatus = async (name: string) => (await v.ctx.vmStore.getVm(name))?.status;
const servers = async () => (await lbStates(fleet)).flat();

function answers(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

describe('fleet recycle onto a new OS', () => {
  it('a new VM that fails its health check: its batch is compensated, the old VMs still serve, FAILED naming the VM', async () => {
    const failing = 'shop-production-java-ubuntu-2204-001';
    unhealthy.add(failing);
    const oldNames = (await servers()).map((s) => s.server).sort();
    const traffic = clientLoop(`${fleet.haproxies[0]!.frontendUrl}/`);
    const r = await recycle();
    const counts = await traffic.stop();
    unhealthy.clear();
    console.info(`recycle ${r.status}: ${r.error}; traffic ${counts.ok} ok, ${counts.failed} failed`);
    await recordWorkflow(v.ctx.client, `recycle-${r.id}`, 'fleet-recycle-failed');
    expect(r.status).toBe('FAILED');
    expect(r.error).toContain(`${failing} failed health`);
    expect(counts.failed, counts.errors.slice(0, 5).join('; ')).toBe(0);
    expect(r.batches.map((b) => b.status)).toEqual(['FAILED', 'SKIPPED']);
    const newNames = r.batches[0]!.new.map((vm) => vm.name);
    expect(newNames).toEqual([failing, 'shop-production-java-ubuntu-2204-002']);
    for (const name of newNames) expect(await vmStatus(name)).toBe('DECOMMISSIONED');
    const after = await servers();
    expect(after.map((s) => s.server).sort()).toEqual(oldNames);
    expect(after.every((s) => s.admin === 'ready')).toBe(true);
    expect(await readyCounts()).toEqual({ [OLD_OS]: 4 });
    expect(r.counts).toEqual({ before: { [OLD_OS]: 4 }, after: { [OLD_OS]: 4 } });
  }, 240_000);

  it('recycles 4 VMs in batches of 2 under traffic: 0 failed requests, 4 new VMs on 22.04 serve v2, the old DECOMMISSIONED', async () => {
    const old = (await v.ctx.vmStore.listVms({ application: 'shop', environment: 'production', status: 'READY' })).filter((vm) => vm.osVersion === OLD_OS);
    expect(old).toHaveLength(4);
    const traffic = clientLoop(`${fleet.haproxies[0]!.frontendUrl}/`);
    const r = await recycle();
    const counts = await traffic.stop();
    console.info(`recycle ${r.status}: ${JSON.stringify(r.counts)}; traffic ${counts.ok} ok, ${counts.failed} failed`);
    await recordWorkflow(v.ctx.client, `recycle-${r.id}`, 'fleet-recycled');
    expect(r.status, r.error ?? '').toBe('SUCCEEDED');
    expect(counts.failed, counts.errors.slice(0, 5).join('; ')).toBe(0);
    expect(counts.ok).toBeGreaterThan(10);
    expect(r.release).toBe('v2');
    expect(r.counts).toEqual({ before: { [OLD_OS]: 4 }, after: { [NEW_OS]: 4 } });
    expect(await readyCounts()).toEqual({ [NEW_OS]: 4 });

    const newNames = r.batches.flatMap((b) => b.new.map((vm) => vm.name));
    expect(newNames).toHaveLength(4);
    const inBackend = await servers();
    expect(inBackend.map((s) => s.server).sort()).toEqual([...newNames].sort());
    expect(inBackend.every((s) => s.admin === 'ready' && s.weight === s.initialWeight)).toBe(true);
    for (const name of newNames) {
      const osRelease = await fleet.exec(name, ['cat', '/etc/os-release']);
      expect(osRelease.stdout).toContain('VERSION_ID="22.04"');
      const vm = fleet.vms.find((x) => x.name === name)!;
      const health = (await (await fetch(`${vm.appUrl}/health`)).json()) as { version: string };
      expect(health.version).toBe('v2');
    }
    for (const vm of old) {
      expect(await vmStatus(vm.name)).toBe('DECOMMISSIONED');
      expect(await answers(vm.address!, Number(fleet.env.SSH_PORT))).toBe(false);
      expect(await fleet.chef.admin.searchNodes(`name:${vm.name}`)).toEqual([]);
    }
  }, 240_000);
});
