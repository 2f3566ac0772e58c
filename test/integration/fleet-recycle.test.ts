import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_OS, OLD_OS, type RecycleWorld, startRecycleWorld } from '../fleet/recycle-world.ts';
import { clientLoop } from '../support/fleet-probes.ts';
import { recordWorkflow } from '../support/record-fixture.ts';

// Fleet recycle end to end on real peers: 4 VMs on ubuntu-20.04 created
// through POST /v1/vms (the runner boots them and, as the LB box's config
// management would, they join the backend), deployed v2, then recycled onto
// ubuntu-22.04 in batches of 2 while a client loops through HAProxy. First
// with one new VM that never gets healthy (compensated), then cleanly.

let w: RecycleWorld;
beforeAll(async () => {
  w = await startRecycleWorld();
  await w.v.startWorker();
  await w.prepare();
}, 240_000);
afterAll(async () => {
  await w?.stop();
});

const vmStatus = async (name: string) => (await w.v.ctx.vmStore.getVm(name))?.status;

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
    w.unhealthy.add(failing);
    const oldNames = (await w.servers()).map((s) => s.server).sort();
    const traffic = clientLoop(`${w.fleet.haproxies[0]!.frontendUrl}/`);
    const r = await w.waitForEnd(await w.startRecycle());
    const counts = await traffic.stop();
    w.unhealthy.clear();
    console.info(`recycle ${r.status}: ${r.error}; traffic ${counts.ok} ok, ${counts.failed} failed`);
    await recordWorkflow(w.v.ctx.client, `recycle-${r.id}`, 'fleet-recycle-failed');
    expect(r.status).toBe('FAILED');
    expect(r.error).toContain(`${failing} failed health`);
    expect(counts.failed, counts.errors.slice(0, 5).join('; ')).toBe(0);
    expect(r.batches.map((b) => b.status)).toEqual(['FAILED', 'SKIPPED']);
    const newNames = r.batches[0]!.new.map((vm) => vm.name);
    expect(newNames).toEqual([failing, 'shop-production-java-ubuntu-2204-002']);
    for (const name of newNames) expect(await vmStatus(name)).toBe('DECOMMISSIONED');
    const after = await w.servers();
    expect(after.map((s) => s.server).sort()).toEqual(oldNames);
    expect(after.every((s) => s.admin === 'ready')).toBe(true);
    expect(await w.readyCounts()).toEqual({ [OLD_OS]: 4 });
    expect(r.counts).toEqual({ before: { [OLD_OS]: 4 }, after: { [OLD_OS]: 4 } });
  }, 240_000);

  it('pause, resume and cancel: cancelled while its first batch is created, the new VMs are decommissioned, the old serve, CANCELLED', async () => {
    for (const name of ['shop-production-java-ubuntu-2204-003', 'shop-production-java-ubuntu-2204-004']) w.runner.behave(name, { delayMs: 4000 });
    const oldNames = (await w.servers()).map((s) => s.server).sort();
    const traffic = clientLoop(`${w.fleet.haproxies[0]!.frontendUrl}/`);
    const id = await w.startRecycle();
    for (const deadline = Date.now() + 60_000; (await w.get(id)).batches[0]?.new[0]?.status !== 'PROVISIONING'; ) {
      if (Date.now() > deadline) throw new Error(`recycle ${id} never created its first batch: ${JSON.stringify(await w.get(id))}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    const control = async (action: string) => {
      const res = await w.v.api.inject({ method: 'POST', url: `/v1/fleet-recycles/${id}/${action}`, payload: {} });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { status: string; message: string };
    };
    expect((await control('pause')).status).toBe('PAUSED');
    expect((await w.get(id)).status).toBe('PAUSED');
    expect((await control('resume')).status).toBe('RUNNING');
    const again = await w.v.api.inject({ method: 'POST', url: `/v1/fleet-recycles/${id}/resume`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect((await control('cancel')).message).toContain('cancelling');
    const r = await w.waitForEnd(id);
    const counts = await traffic.stop();
    console.info(`recycle ${r.status}: ${JSON.stringify(r.batches.map((b) => [b.status, b.new.map((vm) => vm.status)]))}`);
    expect(r.status).toBe('CANCELLED');
    expect(r.batches.map((b) => b.status)).toEqual(['SKIPPED', 'SKIPPED']);
    for (const vm of r.batches[0]!.new) expect(await vmStatus(vm.name)).toBe('DECOMMISSIONED');
    expect(counts.failed, counts.errors.slice(0, 5).join('; ')).toBe(0);
    const after = await w.servers();
    expect(after.map((s) => s.server).sort()).toEqual(oldNames);
    expect(after.every((s) => s.admin === 'ready')).toBe(true);
    expect(await w.readyCounts()).toEqual({ [OLD_OS]: 4 });
    const finished = await w.v.api.inject({ method: 'POST', url: `/v1/fleet-recycles/${id}/pause`, payload: {} });
    expect(finished.statusCode).toBe(409);
  }, 240_000);

  it('recycles 4 VMs in batches of 2 under traffic: 0 failed requests, 4 new VMs on 22.04 serve v2, the old DECOMMISSIONED', async () => {
    const old = (await w.v.ctx.vmStore.listVms({ application: 'shop', environment: 'production', status: 'READY' })).filter((vm) => vm.osVersion === OLD_OS);
    expect(old).toHaveLength(4);
    const traffic = clientLoop(`${w.fleet.haproxies[0]!.frontendUrl}/`);
    const r = await w.waitForEnd(await w.startRecycle());
    const counts = await traffic.stop();
    console.info(`recycle ${r.status}: ${JSON.stringify(r.counts)}; traffic ${counts.ok} ok, ${counts.failed} failed`);
    await recordWorkflow(w.v.ctx.client, `recycle-${r.id}`, 'fleet-recycled');
    expect(r.status, r.error ?? '').toBe('SUCCEEDED');
    expect(counts.failed, counts.errors.slice(0, 5).join('; ')).toBe(0);
    expect(counts.ok).toBeGreaterThan(10);
    expect(r.release).toBe('v2');
    expect(r.counts).toEqual({ before: { [OLD_OS]: 4 }, after: { [NEW_OS]: 4 } });
    expect(await w.readyCounts()).toEqual({ [NEW_OS]: 4 });

    const newNames = r.batches.flatMap((b) => b.new.map((vm) => vm.name));
    expect(newNames).toHaveLength(4);
    const inBackend = await w.servers();
    expect(inBackend.map((s) => s.server).sort()).toEqual([...newNames].sort());
    expect(inBackend.every((s) => s.admin === 'ready' && s.weight === s.initialWeight)).toBe(true);
    for (const name of newNames) {
      const osRelease = await w.fleet.exec(name, ['cat', '/etc/os-release']);
      expect(osRelease.stdout).toContain('VERSION_ID="22.04"');
      const vm = w.fleet.vms.find((x) => x.name === name)!;
      const health = (await (await fetch(`${vm.appUrl}/health`)).json()) as { version: string };
      expect(health.version).toBe('v2');
    }
    for (const vm of old) {
      expect(await vmStatus(vm.name)).toBe('DECOMMISSIONED');
      expect(await answers(vm.address!, Number(w.fleet.env.SSH_PORT))).toBe(false);
      expect(await w.fleet.chef.admin.searchNodes(`name:${vm.name}`)).toEqual([]);
    }
  }, 240_000);
});
