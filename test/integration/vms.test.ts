import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// VM creation end to end: the API, the createVms workflow on the real
// Temporal dev server, the Proctor-compatible runner over HTTP whose job
// boots a real fake VM and registers it in goiardi — then a deploy finds the
// new VMs through Chef and deploys to them.

let fleet: Fleet;
let runner: ProctorRunner;
let v: Vesemir;
beforeAll(async () => {
  fleet = await startFleet({ vms: 1 });
  runner = await startProctorRunner({
    chef: fleet.chef.admin,
    createVm: async (spec) => ({ address: (await fleet.addVm(spec.name)).address }),
    defaultDelayMs: 300,
  });
  // Short polls for the test; the rest of the default catalog as it ships.
  appendFileSync(
    fleet.env.VESEMIR_APPS_FILE!,
    stringify({ provisioning: { ...DEFAULT_PROVISIONING_SECTION, deadlineMinutes: 2, poll: { initialSeconds: 0.2, maxSeconds: 1 } } }),
  );
  const tokenPath = join(fleet.dir, 'proctor-token');
  writeFileSync(tokenPath, runner.credentials.accessToken, { mode: 0o600 });
  v = await startVesemir(fleet, { PROCTOR_URL: runner.url, PROCTOR_EMAIL_ID: runner.credentials.emailId, PROCTOR_ACCESS_TOKEN_PATH: tokenPath });
  await v.startWorker();
}, 120_000);
afterAll(async () => {
  await v?.close();
  await runner?.stop();
  await fleet?.stop();
});

type Vm = { name: string; status: string; address: string | null; transitions: { to: string; at: string }[] };

describe('VM creation', () => {
  it('creates 2 VMs that come up READY with addresses, then a deploy reaches them through Chef', async () => {
    const res = await v.api.inject({
      method: 'POST',
      url: '/v1/vms',
      payload: { application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: 'ubuntu-22.04', count: 2 },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { id, vms } = res.json() as { id: string; vms: { name: string; status: string }[] };
    expect(vms.map((vm) => vm.status)).toEqual(['REQUESTED', 'REQUESTED']);

    let request: { vms: Vm[] } = { vms: [] };
    await expect
      .poll(
        async () => {
          request = (await v.api.inject({ method: 'GET', url: `/v1/vm-requests/${id}` })).json();
          return request.vms.map((vm) => vm.status);
        },
        { timeout: 60_000, interval: 200 },
      )
      .toEqual(['READY', 'READY']);
    for (const vm of request.vms) {
      expect(vm.address).toMatch(/^127\./);
      expect(vm.transitions.map((t) => t.to)).toEqual(['REQUESTED', 'PROVISIONING', 'READY']);
      const times = vm.transitions.map((t) => Date.parse(t.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(runner.jobsCreated(vm.name)).toBe(1);
      const one = (await v.api.inject({ method: 'GET', url: `/v1/vms/${vm.name}` })).json();
      expect(one.status).toBe('READY');
    }

    const artifact = await fleet.release('v2');
    const deploy = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact) });
    expect(deploy.statusCode, deploy.body).toBe(202);
    const done = await waitForDeployment(v.api, deploy.json().id);
    expect(done.status, JSON.stringify(done.hosts.map((h: { name: string; error: string }) => [h.name, h.error]))).toBe('SUCCEEDED');
    const names = done.hosts.map((h: { name: string }) => h.name);
    for (const vm of request.vms) {
      expect(names).toContain(vm.name);
      expect((await fleet.exec(vm.name, ['readlink', '/opt/shop/current'])).stdout.trim()).toBe('releases/v2');
    }
  });

  it('resumes polling after the worker is restarted mid-poll, with exactly one job for the VM', async () => {
    // Names are deterministic: the first VM of this prefix, so its job can be slowed before it is submitted.
    const name = 'shop-production-node-debian-12-001';
    runner.behave(name, { delayMs: 4000 });
    const res = await v.api.inject({
      method: 'POST',
      url: '/v1/vms',
      payload: { application: 'shop', environment: 'production', team: 'payments', stack: 'node', osVersion: 'debian-12', count: 1 },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { id, vms } = res.json() as { id: string; vms: { name: string }[] };
    expect(vms.map((vm) => vm.name)).toEqual([name]);
    const status = async () => (await v.api.inject({ method: 'GET', url: `/v1/vms/${name}` })).json().status as string;
    await expect.poll(status, { timeout: 20_000, interval: 50 }).toBe('PROVISIONING');
    await v.stopWorker();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await status()).toBe('PROVISIONING');
    await v.startWorker();
    await expect.poll(status, { timeout: 60_000, interval: 200 }).toBe('READY');
    expect(runner.jobsCreated(name)).toBe(1);
    const request = (await v.api.inject({ method: 'GET', url: `/v1/vm-requests/${id}` })).json();
    expect(request.vms[0].address).toMatch(/^127\./);
  });
});
