import { describe, expect, it } from 'vitest';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { breakHealth, lbStates } from '../support/fleet-probes.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// What an operator set in HAProxy before a deploy (a MAINT, a hand-set
// weight) is what HAProxy shows after it, on two LB boxes, whatever the deploy did.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 3, lbBoxes: 2 }, (s) => ({ fleet, v } = s));

/** An operator's command on one LB box's runtime API. */
async function operator(box: number, command: string): Promise<void> {
  const h = fleet.haproxies[box]!;
  const answer = await new TcpLbRuntime({ port: h.adminPort }).send({ name: fleet.lbBoxes[box]!.name, address: h.bindAddress }, command);
  expect(answer.trim(), command).toBe('');
}

const current = async (vm: string) => (await fleet.exec(vm, ['readlink', '/opt/shop/current'])).stdout.trim();
const version = async (url: string) => ((await (await fetch(`${url}/health`)).json()) as { version: string }).version;
const stateOf = async (server: string) => (await lbStates(fleet)).map((states) => states.find((s) => s.server === server)).map((s) => [s?.admin, s?.weight]);

async function deploy(version: string, overrides: Record<string, unknown> = {}) {
  const artifact = await fleet.release(version);
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, artifact, { concurrency: 1, ...overrides }) });
  expect(res.statusCode, res.body).toBe(202);
  const done = await waitForDeployment(v.api, res.json().id);
  return { done, hosts: Object.fromEntries(done.hosts.map((h: { name: string }) => [h.name, h])) };
}

describe('HAProxy state as found', () => {
  it('skips a server an operator put in MAINT on one box, and leaves it there', async () => {
    const [vm1, vm2, vm3] = fleet.vms as [(typeof fleet.vms)[0], (typeof fleet.vms)[0], (typeof fleet.vms)[0]];
    await operator(0, `set server shop/${vm3.name} state maint`);
    const { done, hosts } = await deploy('v2');
    expect(done.status, JSON.stringify(done.hosts)).toBe('SUCCEEDED');
    expect(hosts[vm3.name]).toMatchObject({ status: 'SKIPPED', error: 'in maintenance before the deploy' });
    expect(hosts[vm3.name].steps.map((s: { name: string }) => s.name)).toEqual(['inspect']);
    expect(await current(vm3.name)).toBe('releases/v1');
    expect(await stateOf(vm3.name)).toEqual([
      ['maint', 100],
      ['ready', 100],
    ]);
    for (const vm of [vm1, vm2]) {
      expect(hosts[vm.name].status).toBe('DONE');
      expect(await version(vm.appUrl)).toBe('v2');
      expect(await stateOf(vm.name)).toEqual([
        ['ready', 100],
        ['ready', 100],
      ]);
    }
  });

  it('deploys to it with includeHostsInMaintenance and still leaves it in MAINT', async () => {
    const vm3 = fleet.vms[2]!;
    const { done, hosts } = await deploy('v3', { includeHostsInMaintenance: true });
    expect(done.status, JSON.stringify(done.hosts)).toBe('SUCCEEDED');
    expect(hosts[vm3.name].status).toBe('DONE');
    expect(hosts[vm3.name].steps.map((s: { name: string }) => s.name)).toEqual(['inspect', 'stage', 'activate', 'restart', 'health']);
    expect(await current(vm3.name)).toBe('releases/v3');
    expect(await version(vm3.appUrl)).toBe('v3');
    expect(await stateOf(vm3.name)).toEqual([
      ['maint', 100],
      ['ready', 100],
    ]);
    for (const vm of fleet.vms.slice(0, 2)) expect(await version(vm.appUrl)).toBe('v3');
    await operator(0, `set server shop/${vm3.name} state ready`);
  });

  it("returns a host to an operator's hand-set weight, not to its configured one", async () => {
    const vm1 = fleet.vms[0]!;
    for (const box of [0, 1]) await operator(box, `set weight shop/${vm1.name} 50`);
    const { done } = await deploy('v4', { haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 10, degradationSeconds: 0 } });
    expect(done.status, JSON.stringify(done.hosts)).toBe('SUCCEEDED');
    expect(await stateOf(vm1.name)).toEqual([
      ['ready', 50],
      ['ready', 50],
    ]);
    for (const vm of fleet.vms.slice(1))
      expect(await stateOf(vm.name)).toEqual([
        ['ready', 100],
        ['ready', 100],
      ]);
  });

  it('restores the state and weight found when a failed health check rolls a host back', async () => {
    // Every host at a hand-set weight: what the rollback must put back.
    for (const vm of fleet.vms) for (const box of [0, 1]) await operator(box, `set weight shop/${vm.name} 30`);
    for (const vm of fleet.vms) await breakHealth(fleet, vm.name, 'v5');
    const { done, hosts } = await deploy('v5', { maxFailedHosts: 0, healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 2 } });
    expect(done.status).toBe('FAILED');
    const rolledBack = fleet.vms.filter((vm) => hosts[vm.name].status === 'ROLLED_BACK');
    expect(rolledBack).toHaveLength(1);
    const [vm] = rolledBack;
    expect(hosts[vm!.name].steps.map((s: { name: string }) => s.name)).toContain('rollback-enable');
    expect(await current(vm!.name)).toBe('releases/v4');
    for (const each of fleet.vms)
      expect(await stateOf(each.name)).toEqual([
        ['ready', 30],
        ['ready', 30],
      ]);
  });

  it('restores each box its own found weight when autoRollback takes back a host that was DONE', async () => {
    const [vm1, vm2] = fleet.vms as [(typeof fleet.vms)[0], (typeof fleet.vms)[0]];
    await operator(0, `set weight shop/${vm1.name} 40`);
    await breakHealth(fleet, vm2.name, 'v6');
    const { done, hosts } = await deploy('v6', {
      maxFailedHosts: 0,
      autoRollback: true,
      healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 2 },
    });
    expect(done.status).toBe('FAILED');
    expect(hosts[vm1.name].status).toBe('ROLLED_BACK');
    expect(hosts[vm1.name].steps.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['full', 'rollback-drain', 'rollback-enable']));
    expect(hosts[vm2.name].status).toBe('ROLLED_BACK');
    expect(await current(vm1.name)).toBe('releases/v4');
    expect(await stateOf(vm1.name)).toEqual([
      ['ready', 40],
      ['ready', 30],
    ]);
    expect(await stateOf(vm2.name)).toEqual([
      ['ready', 30],
      ['ready', 30],
    ]);
  });
});
