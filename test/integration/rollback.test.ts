import { describe, expect, it } from 'vitest';
import { run } from '../cli/support/harness.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { clientLoop, lbStates } from '../support/fleet-probes.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Rolling back a finished deploy end to end: a new deployment that takes the
// hosts back to their kept previous release through drain → activate →
// restart → health → enable, with nothing downloaded and no failed request.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 3 }, (s) => ({ fleet, v } = s));

async function deploy(version: string, overrides: object = {}) {
  const artifact = await fleet.release(version);
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, artifact, { concurrency: 1, ...overrides }) });
  expect(res.statusCode, res.body).toBe(202);
  const done = await waitForDeployment(v.api, res.json().id);
  expect(done.status, JSON.stringify(done.hosts)).toBe('SUCCEEDED');
  return done;
}

let listening: string | undefined;
const apiUrl = async () => {
  listening ??= await v.api.listen({ host: '127.0.0.1', port: 0 });
  return listening;
};

const rollback = (id: string, payload?: object) => v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/rollback`, ...(payload ? { payload } : {}) });
const get = async (id: string) => (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json();

async function expectFleetOn(version: string) {
  for (const vm of fleet.vms) {
    const health = (await (await fetch(`${vm.appUrl}/health`)).json()) as { version: string };
    expect(health.version, vm.name).toBe(version);
    expect((await fleet.exec(vm.name, ['readlink', '/opt/shop/current'])).stdout.trim()).toBe(`releases/${version}`);
  }
  for (const states of await lbStates(fleet)) {
    expect(states.map((s) => [s.server, s.admin, s.weight])).toEqual(fleet.vms.map((vm) => [vm.name, 'ready', 100]));
  }
}

describe('rollback of a finished deploy', () => {
  it('takes every host of a SUCCEEDED v2 back to v1: no download, no failed request, linked both ways; a second rollback is 409', async () => {
    const v2 = await deploy('v2', { haproxy: { weight: 50, degradationSeconds: 1 } });
    expect(v2.request.artifact.url).toContain('v2');
    expect(v2.request.healthCheck.port).toBe(fleet.app.port);
    expect(v2.hosts.map((h: { previousVersion: string }) => h.previousVersion)).toEqual(['v1', 'v1', 'v1']);

    const fetchedBefore = fleet.artifacts.requests.length;
    const clients = clientLoop(fleet.haproxies[0]!.frontendUrl);
    // From the CLI, as a user does it, followed to its end.
    const cli = await run(['rollback', v2.id, '--reason', 'v2 breaks checkout', '--follow', '--api', await apiUrl()]);
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    const [, id, rollbackOf] = /^deployment (d-[\w-]+), rollback of (d-[\w-]+)$/m.exec(cli.stdout) ?? [];
    expect(rollbackOf).toBe(v2.id);
    expect(cli.stdout).toMatch(/✓ deployment SUCCEEDED .*: 3\/3 hosts done/);
    const done = await waitForDeployment(v.api, id!);
    const traffic = await clients.stop();

    expect(done.status, JSON.stringify(done, null, 1)).toBe('SUCCEEDED');
    expect(traffic.failed, traffic.errors.slice(0, 5).join('; ')).toBe(0);
    expect(traffic.ok).toBeGreaterThan(10);
    expect(fleet.artifacts.requests.slice(fetchedBefore)).toEqual([]);
    await expectFleetOn('v1');
    expect(done).toMatchObject({ rollbackOf: v2.id, rolledBackBy: null, rollbackReason: 'v2 breaks checkout', version: 'v1' });
    for (const host of done.hosts) {
      expect(host).toMatchObject({ status: 'DONE', previousVersion: 'v2' });
      // The original's weight and bake: enable at 50 %, then 100 %; no stage (nothing downloaded).
      expect(host.steps.map((s: { name: string }) => s.name)).toEqual(['inspect', 'drain', 'activate', 'restart', 'health', 'enable', 'full']);
    }
    const original = await get(v2.id);
    expect(original.rolledBackBy).toBe(id);
    expect(original.rollbackOf).toBeNull();

    const again = await rollback(v2.id);
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ error: 'AlreadyRolledBack' });
    expect(again.json().message).toContain(`already rolled back by ${id}`);
  });

  it('refuses (409) to roll back a deploy a later one followed, unless forced', async () => {
    // v2 again onto v1 (the first test's rollback), then v3: v1 stays within keepReleases (3).
    const again = await deploy('v2');
    await deploy('v3');
    const refused = await rollback(again.id);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'LaterDeployRan' });
    expect(refused.json().message).toContain('"force": true');

    const forced = await run(['rollback', again.id, '--force', '--api', await apiUrl()]);
    expect([forced.code, forced.stderr]).toEqual([0, '']);
    const done = await waitForDeployment(v.api, /^(d-[\w-]+) /.exec(forced.stdout)?.[1] ?? '');
    expect(done.status, `${done.error} ${JSON.stringify(done.hosts)}`).toBe('SUCCEEDED');
    // Back to what the hosts ran before that v2 deploy (v1), from v3.
    await expectFleetOn('v1');
    expect(done.hosts.map((h: { previousVersion: string }) => h.previousVersion)).toEqual(['v3', 'v3', 'v3']);
  });

  it('refuses (409) when a previous release is no longer kept on a host, asking the hosts over SSH; nothing starts', async () => {
    const v5 = await deploy('v5');
    const vm = fleet.vms[1]!;
    await fleet.exec(vm.name, ['rm', '-rf', '/opt/shop/releases/v1']);
    const res = await rollback(v5.id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ error: 'RollbackNotPossible' });
    expect(res.json().message).toContain(`no longer kept on ${vm.name} (v1)`);
    // The CLI naming it by application and environment finds the same (the latest SUCCEEDED) and prints the reason.
    const cli = await run(['rollback', '--application', fleet.app.name, '--environment', fleet.app.environment, '--api', await apiUrl()]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`no longer kept on ${vm.name} (v1)`);
    expect(cli.stderr).toContain('(RollbackNotPossible, HTTP 409)');
    expect((await get(v5.id)).rolledBackBy).toBeNull();
    const { deployments } = (await v.api.inject({ method: 'GET', url: '/v1/deployments?limit=1' })).json();
    expect(deployments[0].id).toBe(v5.id);
    await expectFleetOn('v5');
  });
});
