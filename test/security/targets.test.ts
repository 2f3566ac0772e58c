import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replayDeployment } from '../../src/replay.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { knownHostsText } from '../fleet/keys.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Who Vesemir agrees to touch: only hosts whose SSH key matches the pinned
// one, and only addresses inside the configured networks.

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet({ vms: 2 });
}, 120_000);
afterAll(async () => {
  await fleet?.stop();
});

async function deployWith(env: Record<string, string>, version: string) {
  const v: Vesemir = await startVesemir(fleet, env);
  try {
    await v.startWorker();
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, await fleet.release(version)) });
    return await waitForDeployment(v.api, res.json().id);
  } finally {
    await v.close();
  }
}

describe('deploy targets', () => {
  it('refuses a host whose SSH key does not match the pinned one, naming it; it is never drained', async () => {
    const [vm1, vm2] = fleet.vms as [(typeof fleet.vms)[0], (typeof fleet.vms)[0]];
    // known_hosts pins vm2's address to vm1's key: vm2 now looks like an impostor.
    const path = `${fleet.dir}/known_hosts-mismatch`;
    writeFileSync(
      path,
      knownHostsText([
        ...fleet.vms.map((vm) => ({ address: vm.address, port: vm.sshPort, publicKey: vm === vm2 ? vm1.hostPublicKey : vm.hostPublicKey })),
        ...fleet.lbBoxes.map((b) => ({ address: b.address, port: b.sshPort, publicKey: b.hostPublicKey })),
      ]),
    );
    const done = await deployWith({ SSH_KNOWN_HOSTS_PATH: path }, 'v2');
    const host = done.hosts.find((h: { name: string }) => h.name === vm2.name);
    expect(host.status).toBe('FAILED');
    expect(host.error).toMatch(new RegExp(`${vm2.name}.*host key`, 'i'));
    expect(host.steps.map((s: { name: string }) => s.name)).toEqual(['inspect', 'stage']);
    expect((await fleet.exec(vm2.name, ['test', '-d', '/opt/shop/releases/v2'])).exitCode).not.toBe(0);
    for (const states of await lbStates(fleet)) expect(states.every((s) => s.admin === 'ready')).toBe(true);
  });

  it('refuses Chef nodes whose address is outside the allowed networks, before touching anything', async () => {
    const done = await deployWith({ VESEMIR_ALLOWED_NETWORKS: '10.0.0.0/8' }, 'v3');
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(/outside the allowed networks \(10\.0\.0\.0\/8\)/);
    expect(done.hosts).toEqual([]);
    for (const vm of fleet.vms) expect((await fleet.exec(vm.name, ['test', '-d', '/opt/shop/releases/v3'])).exitCode).not.toBe(0);
  });

  it('deploys when the fleet is inside the allowed networks', async () => {
    const subnet = fleet.vms[0]!.address.split('.').slice(0, 3).join('.');
    const done = await deployWith({ VESEMIR_ALLOWED_NETWORKS: `${subnet}.0/24` }, 'v4');
    expect(done.status).toBe('SUCCEEDED');
  });

  it('runs a deploy with every payload encrypted, and replays it with the key', async () => {
    const keyPath = `${fleet.dir}/payload.key`;
    writeFileSync(keyPath, randomBytes(32), { mode: 0o600 });
    const done = await deployWith({ VESEMIR_PAYLOAD_KEY_PATH: keyPath }, 'v5');
    expect(done.status).toBe('SUCCEEDED');
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const history = await new Client({ connection }).workflow.getHandle(`deploy-${done.id}`).fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
      expect(Buffer.from(input?.data ?? []).toString('latin1')).not.toContain('shop');
    } finally {
      await connection.close();
    }
    const withKey = await replayDeployment({ address: inject('temporalAddress'), namespace: 'default', deploymentId: done.id, payloadKeyPath: keyPath });
    expect(withKey.filter((r) => !r.ok)).toEqual([]);
    expect(withKey.length).toBe(1 + fleet.vms.length);
  });
});
