import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createVmDecommissionActivities } from '../../src/activities/vm-decommission-activities.ts';
import { applicationsFileSchema, buildCatalog } from '../../src/domain/applications.ts';
import { LoadBalancerError } from '../../src/domain/haproxy.ts';
import { parseAllowedNetworks } from '../../src/domain/networks.ts';
import type { ChefClient, Host, LbServerState, LoadBalancer } from '../../src/domain/ports.ts';
import { DEFAULT_PROVISIONING_CATALOG } from '../../src/domain/provisioning-catalog.ts';
import type { Provisioner, VmRecord, VmStore } from '../../src/domain/vm.ts';

// The decommission activities with small fakes: which backends and boxes a
// VM is found in (the applications file is the ceiling), and what a failed
// removal says.

const applications = buildCatalog(
  applicationsFileSchema.parse({
    applications: {
      shop: {
        team: 'payments',
        environments: ['production'],
        chef: { tags: ['app-shop'] },
        haproxy: { backends: ['shop', 'shop-api'], lbChefTags: ['lb-shop'] },
      },
    },
  }),
);
const vm = {
  name: 'shop-vm9',
  application: 'shop',
  environment: 'production',
  team: 'payments',
  stack: 'java',
  osVersion: 'ubuntu-22.04',
  attempts: 0,
} as VmRecord;
const lbs: Host[] = [
  { name: 'lb1', address: '10.0.0.2' },
  { name: 'lb2', address: '10.0.0.3' },
];
const state = (server: string): LbServerState => ({ backend: 'shop', server, admin: 'ready', operational: 'UP', weight: 100, initialWeight: 100 });

function activities(loadBalancer: Partial<LoadBalancer>, options: { lbs?: Host[]; networks?: string } = {}) {
  const searched: string[] = [];
  const chef: ChefClient = {
    searchNodes: async (query) => {
      searched.push(query);
      return options.lbs ?? lbs;
    },
    deleteNode: async () => ({ node: 'absent', client: 'absent' }),
  };
  const vmStore = { getVm: async () => vm, noteAttempt: async () => undefined } as unknown as VmStore;
  const acts = createVmDecommissionActivities({
    vmStore,
    provisioner: {} as Provisioner,
    chef,
    catalog: DEFAULT_PROVISIONING_CATALOG,
    logger: pino({ level: 'silent' }),
    loadBalancer: loadBalancer as LoadBalancer,
    applications,
    allowedNetworks: options.networks === undefined ? undefined : parseAllowedNetworks(options.networks),
  });
  return { acts, searched };
}

const run = <T>(fn: () => Promise<T>) => new MockActivityEnvironment().run(fn);

describe('findVmServers', () => {
  it('finds the VM in each backend of its application on the boxes that list it; a box without the backend lists none', async () => {
    const { acts, searched } = activities({
      serverStates: async (lb, backend) => {
        if (backend === 'shop-api' && lb.name === 'lb2') throw new LoadBalancerError('lb2', backend, '*', "Can't find backend.\n", 'unexpected answer');
        if (backend === 'shop') return lb.name === 'lb1' ? [state('shop-vm1'), state('shop-vm9')] : [state('shop-vm1')];
        return [state('shop-vm9')];
      },
    });
    expect(await run(() => acts.findVmServers({ name: 'shop-vm9' }))).toEqual([
      { backend: 'shop', loadBalancers: [lbs[0]] },
      { backend: 'shop-api', loadBalancers: [lbs[0]] },
    ]);
    // The application's LB scope, from the applications file.
    expect(searched).toEqual(['tags:lb\\-shop AND chef_environment:production']);
  });

  it('does not take an unreachable box for one without the server, nor an LB box outside the allowed networks', async () => {
    const unreachable = activities({
      serverStates: async () => {
        throw new LoadBalancerError('lb1', 'shop', '*', '', "'show servers state shop' not delivered: ECONNREFUSED");
      },
    });
    await expect(run(() => unreachable.acts.findVmServers({ name: 'shop-vm9' }))).rejects.toMatchObject({ type: 'LoadBalancerError' });
    const outside = activities({ serverStates: async () => [] }, { networks: '192.168.0.0/16' });
    await expect(run(() => outside.acts.findVmServers({ name: 'shop-vm9' }))).rejects.toMatchObject({ type: 'AddressNotAllowed' });
  });
});

describe('removeVmServer', () => {
  it('says the server is left drained, on which boxes, when del server fails', async () => {
    const { acts } = activities({
      removeServer: async () => {
        throw new LoadBalancerError('lb1', 'shop', 'shop-vm9', 'Server still has connections attached to it.', 'del server refused');
      },
    });
    const failed = await run(() => acts.removeVmServer({ name: 'shop-vm9', backend: 'shop', loadBalancers: lbs })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApplicationFailure);
    expect(failed).toMatchObject({ type: 'LoadBalancerError', nonRetryable: false });
    expect((failed as Error).message).toMatch(/^shop\/shop-vm9 is drained but not removed on lb1, lb2: HAProxy on lb1, shop\/shop-vm9: del server refused/);
  });
});
