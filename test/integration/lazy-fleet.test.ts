import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { applicationsYaml } from '../fleet/apps-file.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { recordDeploy } from '../support/record-fixture.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Lazy creation end to end: an application that declares its fleet and has
// no VM yet. Its first deploy creates the VMs (the createVms child workflow,
// the Proctor-compatible runner over HTTP booting real fake VMs and
// registering them in goiardi), finds them in Chef and deploys to them.

const FLEET = { stack: 'python', osVersion: 'ubuntu-22.04', count: { production: 3, staging: 2, qa: 2, perf: 1 } };

let fleet: Fleet;
let runner: ProctorRunner;
let v: Vesemir;
let unconfigured: Vesemir;
beforeAll(async () => {
  fleet = await startFleet({ vms: 0 });
  runner = await startProctorRunner({
    chef: fleet.chef.admin,
    createVm: async (spec) => ({ address: (await fleet.addVm(spec.name)).address }),
    defaultDelayMs: 300,
  });
  const { app } = fleet;
  writeFileSync(
    fleet.env.VESEMIR_APPS_FILE!,
    applicationsYaml([{ ...app, moreEnvironments: ['staging', 'qa', 'perf'], fleet: FLEET }]) +
      stringify({ provisioning: { ...DEFAULT_PROVISIONING_SECTION, deadlineMinutes: 2, poll: { initialSeconds: 0.2, maxSeconds: 1 } } }),
  );
  // The same LB boxes serve the other environments.
  for (const lb of fleet.lbBoxes) {
    for (const environment of ['staging', 'qa', 'perf']) {
      await fleet.chef.admin.upsertNode({ name: `${lb.name}-${environment}`, environment, tags: [app.lbTag], ipaddress: lb.address });
    }
  }
  const tokenPath = join(fleet.dir, 'proctor-token');
  writeFileSync(tokenPath, runner.credentials.accessToken, { mode: 0o600 });
  v = await startVesemir(fleet, { PROCTOR_URL: runner.url, PROCTOR_EMAIL_ID: runner.credentials.emailId, PROCTOR_ACCESS_TOKEN_PATH: tokenPath });
  await v.startWorker();
  // The same world, its own database and task queue, and no PROCTOR_* variables.
  unconfigured = await startVesemir(fleet, { VESEMIR_DATA_DIR: join(fleet.dir, 'data-unconfigured') });
  await unconfigured.startWorker();
}, 120_000);
afterAll(async () => {
  await unconfigured?.close();
  await v?.close();
  await runner?.stop();
  await fleet?.stop();
});

type Provisioning = { requestId: string; total: number; ready: number; failed: number; link: string; vms: { name: string; status: string }[] };

/** Polls the deployment until it ends; the statuses it went through (each change once) and the provisioning progress seen. */
async function follow(api: Vesemir['api'], id: string) {
  const statuses: string[] = [];
  const readySeen: number[] = [];
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const d = (await api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();
    if (statuses.at(-1) !== d.status) statuses.push(d.status);
    const p = d.provisioning as Provisioning | null;
    if (p && readySeen.at(-1) !== p.ready) readySeen.push(p.ready);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.status)) return { statuses, readySeen, final: d };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`deployment ${id} did not end; seen ${statuses.join(' → ')}`);
}

describe('VMs created on the first deploy', () => {
  it('fails at once with ProvisioningNotConfigured where PROCTOR_URL is not set: nothing allocated, no deadline waited out', async () => {
    const artifact = await fleet.release('v1');
    const started = Date.now();
    const res = await unconfigured.api.inject({
      method: 'POST',
      url: '/v1/deployments',
      payload: fleet.deployRequest('v1', artifact, { environment: 'staging' }),
    });
    expect(res.statusCode, res.body).toBe(202);
    const done = await waitForDeployment(unconfigured.api, res.json().id, 60_000);
    console.info(`unconfigured: ${done.status} in ${Date.now() - started} ms: ${done.error}`);
    expect(done.status).toBe('FAILED');
    expect(done.error).toContain('VM provisioning (Proctor) is not configured: set PROCTOR_URL');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await unconfigured.ctx.vmStore.countVms({})).toMatchObject({ total: 0 });
  });

  it('a dry run says which VMs it would create instead of "no hosts"', async () => {
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments?dryRun=true', payload: fleet.deployRequest('v2', artifact) });
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json();
    console.info(`dry run: ${plan.wouldCreate?.message}`);
    expect(plan.hosts).toEqual([]);
    expect(plan.wouldCreate).toEqual({
      stack: 'python',
      osVersion: 'ubuntu-22.04',
      count: 3,
      message: 'would create 3 VMs (python, ubuntu-22.04), then deploy to them',
    });
  });

  it('creates 3 VMs, deploys to them: PROVISIONING then RUNNING then SUCCEEDED; 3 READY VMs of that OS serve the new version', async () => {
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact) });
    expect(res.statusCode, res.body).toBe(202);
    const { statuses, readySeen, final } = await follow(v.api, res.json().id);
    console.info(`statuses: ${statuses.join(' → ')}; VMs READY seen: ${readySeen.join(', ')}`);
    // The deploy, its createVms child and its host children: replayed by test/replay.
    await recordDeploy(v.ctx.client, final.id, 'lazy-provisioned');
    expect(final.status, final.error).toBe('SUCCEEDED');
    // Whatever else was caught between polls, PROVISIONING came before the RUNNING that ended SUCCEEDED.
    expect(statuses.slice(statuses.indexOf('PROVISIONING'))).toEqual(['PROVISIONING', 'RUNNING', 'SUCCEEDED']);
    expect(readySeen.at(-1)).toBe(3);

    const p = final.provisioning as Provisioning;
    expect(p).toMatchObject({ total: 3, ready: 3, failed: 0, link: `http://vesemir.test/v1/vm-requests/${p.requestId}` });
    const names = p.vms.map((vm) => vm.name);
    expect(names).toEqual(['shop-production-python-ubuntu-2204-001', 'shop-production-python-ubuntu-2204-002', 'shop-production-python-ubuntu-2204-003']);
    expect(final.hosts.map((h: { name: string }) => h.name).sort()).toEqual(names);
    expect(final.hosts.every((h: { status: string }) => h.status === 'DONE')).toBe(true);

    const inventory = (await v.api.inject({ method: 'GET', url: '/v1/vms?application=shop&environment=production' })).json();
    expect(inventory.vms.map((vm: { name: string; status: string; osVersion: string }) => [vm.name, vm.status, vm.osVersion]).sort()).toEqual(
      names.map((name) => [name, 'READY', 'ubuntu-22.04']),
    );
    const request = (await v.api.inject({ method: 'GET', url: `/v1/vm-requests/${p.requestId}` })).json();
    expect(request.vms.map((vm: { status: string }) => vm.status)).toEqual(['READY', 'READY', 'READY']);
    for (const vm of fleet.vms.filter((x) => names.includes(x.name))) {
      expect(runner.jobsCreated(vm.name)).toBe(1);
      const health = (await (await fetch(`${vm.appUrl}/health`)).json()) as { version: string };
      expect(health.version).toBe('v2');
    }
    expect(fleet.vms.filter((x) => names.includes(x.name))).toHaveLength(3);

    // The next deploy finds them in Chef: nothing is created again.
    const v3 = await fleet.release('v3');
    const next = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v3', v3) });
    const again = await follow(v.api, next.json().id);
    expect(again.final.status).toBe('SUCCEEDED');
    expect(again.statuses).not.toContain('PROVISIONING');
    expect(again.final.provisioning).toBeNull();
  });

  it('fails naming the VM when more VMs fail than the failure budget allows, and deploys to nothing', async () => {
    runner.behave('shop-staging-python-ubuntu-2204-001', { outcome: 'fail', reason: 'quota exceeded' });
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({
      method: 'POST',
      url: '/v1/deployments',
      payload: fleet.deployRequest('v2', artifact, { environment: 'staging', maxFailedHosts: 0 }),
    });
    expect(res.statusCode, res.body).toBe(202);
    const { statuses, final } = await follow(v.api, res.json().id);
    console.info(`statuses: ${statuses.join(' → ')}; error: ${final.error}`);
    expect(final.status).toBe('FAILED');
    expect(statuses).toContain('PROVISIONING');
    expect(final.error).toContain('1 of the 2 VMs created for this deploy failed, more than maxFailedHosts (0): shop-staging-python-ubuntu-2204-001 FAILED');
    expect(final.error).toContain('quota exceeded');
    expect(final.hosts).toEqual([]);
    expect(final.provisioning).toMatchObject({ total: 2, ready: 1, failed: 1 });
  });

  it('cancelled while PROVISIONING: its createVms child is cancelled, the VMs CANCELLED, no host touched', async () => {
    const names = ['shop-qa-python-ubuntu-2204-001', 'shop-qa-python-ubuntu-2204-002'];
    for (const name of names) runner.behave(name, { outcome: 'hang' });
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact, { environment: 'qa' }) });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    const jobsSubmitted = async () => {
      const d = (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();
      return [d.status, (d.provisioning as Provisioning | null)?.vms.map((vm) => vm.status)];
    };
    await expect.poll(jobsSubmitted, { timeout: 30_000, interval: 100 }).toEqual(['PROVISIONING', ['PROVISIONING', 'PROVISIONING']]);
    const cancel = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/cancel`, payload: {} });
    expect(cancel.statusCode, cancel.body).toBeLessThan(300);
    const { final } = await follow(v.api, id);
    expect(final.status).toBe('CANCELLED');
    expect(final.hosts).toEqual([]);
    expect((final.provisioning as Provisioning).vms.map((vm) => [vm.name, vm.status])).toEqual(names.map((name) => [name, 'CANCELLED']));
    const child = await v.ctx.client.workflow.getHandle(`create-vms-${(final.provisioning as Provisioning).requestId}`).describe();
    expect(child.status.name).toBe('CANCELLED');
  });

  it('paused while PROVISIONING: the VMs come up, then it holds PAUSED with no host started until resumed', async () => {
    const name = 'shop-perf-python-ubuntu-2204-001';
    runner.behave(name, { delayMs: 3000 });
    const artifact = await fleet.release('v2');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact, { environment: 'perf' }) });
    const id = res.json().id as string;
    const get = async () => (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();
    await expect.poll(async () => (await get()).status, { timeout: 30_000, interval: 50 }).toBe('PROVISIONING');
    const pause = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/pause`, payload: {} });
    expect(pause.statusCode, pause.body).toBeLessThan(300);
    expect((await get()).status).toBe('PROVISIONING');
    await expect.poll(async () => (await get()).status, { timeout: 30_000, interval: 100 }).toBe('PAUSED');
    const paused = await get();
    expect(paused.provisioning).toMatchObject({ total: 1, ready: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await get()).hosts.map((h: { name: string; status: string }) => [h.name, h.status])).toEqual([[name, 'PENDING']]);
    const resume = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/resume`, payload: {} });
    expect(resume.statusCode, resume.body).toBeLessThan(300);
    expect((await waitForDeployment(v.api, id)).status).toBe('SUCCEEDED');
  });
});
