import { describe, expect, inject, it } from 'vitest';
import { replayDeployment } from '../../src/replay.ts';
import { run } from '../cli/support/harness.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { breakHealth, healHealth, lbStates } from '../support/fleet-probes.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Operators steering real deploys: pause/resume, cancel with rollback, a
// canary with approval, retry of a fixed host, replay, logs and dry runs.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 3 }, (s) => ({ fleet, v } = s));

type Host = { name: string; status: string; steps: { name: string; status: string; attempts: number; outputTail: string }[] };
const get = async (id: string) => (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();
const control = (id: string, action: string, payload: object = {}) => v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/${action}`, payload });
const current = async (vm: string) => (await fleet.exec(vm, ['readlink', '/opt/shop/current'])).stdout.trim();
const started = (d: { hosts: Host[] }) => d.hosts.filter((h) => h.status !== 'PENDING').map((h) => h.name);
async function deploy(version: string, overrides: object = {}) {
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, await fleet.release(version), overrides) });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as string;
}
async function allOn(version: string) {
  for (const vm of fleet.vms) expect(await current(vm.name)).toBe(`releases/${version}`);
  for (const states of await lbStates(fleet)) expect(states.map((s) => [s.admin, s.weight])).toEqual(fleet.vms.map(() => ['ready', 100]));
}

describe('operating a deploy', () => {
  it('pauses after the first host: nothing starts for 3 s; resume finishes the rollout', async () => {
    const id = await deploy('v2', { concurrency: 1 });
    await expect.poll(async () => (await get(id)).hosts.some((h: Host) => h.status === 'RUNNING'), { timeout: 20_000, interval: 20 }).toBe(true);
    const paused = await control(id, 'pause');
    expect(paused.statusCode, paused.body).toBe(200);
    await expect.poll(async () => (await get(id)).hosts.filter((h: Host) => h.status === 'RUNNING').length, { timeout: 20_000 }).toBe(0);
    const before = started(await get(id));
    await new Promise((r) => setTimeout(r, 3000));
    const during = await get(id);
    expect(during.status).toBe('PAUSED');
    expect(started(during)).toEqual(before);
    expect(before.length).toBeLessThan(3);
    expect((await control(id, 'resume')).statusCode).toBe(200);
    expect((await waitForDeployment(v.api, id)).status).toBe('SUCCEEDED');
    await allOn('v2');
  });

  it('cancels with rollback mid-deploy: every host back on its old release, READY at 100%', async () => {
    const id = await deploy('v3', { concurrency: 1 });
    await expect.poll(async () => (await get(id)).hosts.some((h: Host) => h.status === 'DONE'), { timeout: 20_000, interval: 20 }).toBe(true);
    const res = await control(id, 'cancel', { rollback: true });
    expect(res.statusCode, res.body).toBe(200);
    const done = await waitForDeployment(v.api, id);
    expect(done.status).toBe('CANCELLED');
    expect(done.hosts.some((h: Host) => h.status === 'ROLLED_BACK')).toBe(true);
    await allOn('v2');
  });

  it('waits for approval after a canary host, and no other host changes until approve', async () => {
    const id = await deploy('v4', { canary: { hosts: 1, requireApproval: true } });
    await expect.poll(async () => (await get(id)).status, { timeout: 20_000 }).toBe('WAITING_APPROVAL');
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await get(id);
    expect(waiting.hosts.map((h: Host) => h.status)).toEqual(['DONE', 'PENDING', 'PENDING']);
    expect(await current(fleet.vms[1]!.name)).toBe('releases/v2');
    expect((await control(id, 'resume')).statusCode).toBe(409);
    expect((await control(id, 'approve')).statusCode).toBe(200);
    expect((await waitForDeployment(v.api, id)).status).toBe('SUCCEEDED');
    await allOn('v4');
  });

  it('retries only the broken host after its cause is fixed, under the same deployment id', async () => {
    const broken = fleet.vms[2]!.name;
    await breakHealth(fleet, broken, 'v5');
    const id = await deploy('v5', { maxFailedHosts: 1, healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 2 } });
    const failed = await waitForDeployment(v.api, id);
    expect(failed.status).toBe('FAILED');
    expect(failed.hosts.find((h: Host) => h.name === broken).status).toBe('ROLLED_BACK');

    // The replay of a real failed deployment's histories passes on the current code.
    const reports = await replayDeployment({ address: inject('temporalAddress'), namespace: 'default', deploymentId: id });
    expect(reports.length).toBe(4);
    expect(reports.filter((r) => !r.ok)).toEqual([]);

    await healHealth(fleet, broken, 'v5');
    const retry = await control(id, 'retry');
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json().deploymentId).toBe(id);
    const done = await waitForDeployment(v.api, id);
    expect(done.status).toBe('SUCCEEDED');
    const health = done.hosts.find((h: Host) => h.name === broken).steps.find((s: { name: string }) => s.name === 'health');
    expect(health.attempts).toBe(2);
    for (const other of done.hosts.filter((h: Host) => h.name !== broken)) {
      expect(other.steps.find((s: { name: string }) => s.name === 'stage').attempts).toBe(1);
    }
    await allOn('v5');
  });

  it('shows the stderr of a failing restart in the logs', async () => {
    const artifact = await fleet.release('v6', 'crash');
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v6', artifact, { concurrency: 1 }) });
    const id = res.json().id;
    const done = await waitForDeployment(v.api, id);
    expect(done.status).toBe('FAILED');
    const logs = (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}/logs?step=restart` })).json();
    expect(logs.steps).toHaveLength(1);
    expect(logs.steps[0].exitCode).not.toBe(0);
    expect(logs.steps[0].command).toContain('/etc/vesemir/service restart');
    expect(logs.steps[0].stderr).toMatch(/died right after start/);
    // …and through the CLI, against the same API on a real port.
    const url = await v.api.listen({ port: 0, host: '127.0.0.1' });
    const cli = await run(['logs', id, '--step', 'restart'], { env: { VESEMIR_API_URL: url } });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('/etc/vesemir/service restart');
    expect(cli.stdout).toMatch(/died right after start/);
    await allOn('v5');
  });

  it('dry run lists the hosts Chef returns and touches nothing', async () => {
    const before = await Promise.all(fleet.vms.map((vm) => current(vm.name)));
    const statesBefore = await lbStates(fleet);
    const artifact = await fleet.release('v7');
    const res = await v.api.inject({
      method: 'POST',
      url: '/v1/deployments?dryRun=true',
      payload: fleet.deployRequest('v7', artifact, { concurrency: [1, '50%'], canary: { hosts: 1, requireApproval: true } }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json();
    expect(plan.hosts.map((h: { name: string }) => h.name)).toEqual(fleet.vms.map((vm) => vm.name));
    expect(plan.loadBalancers.map((h: { name: string }) => h.name)).toEqual(fleet.lbBoxes.map((b) => b.name));
    expect(plan.phases).toEqual([
      { hosts: [fleet.vms[0]!.name], window: 1, gate: { requireApproval: true, bakeSeconds: 0 } },
      { hosts: [fleet.vms[1]!.name], window: 1 },
      { hosts: [fleet.vms[2]!.name], window: 2 },
    ]);
    expect(await Promise.all(fleet.vms.map((vm) => current(vm.name)))).toEqual(before);
    expect(await lbStates(fleet)).toEqual(statesBefore);
    const listed = (await v.api.inject({ method: 'GET', url: '/v1/deployments?application=shop' })).json().deployments;
    expect(listed.some((d: { version: string }) => d.version === 'v7')).toBe(false);
  });
});
