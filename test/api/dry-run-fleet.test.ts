import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/api/dry-run.ts';
import type { Application } from '../../src/domain/applications.ts';
import { deployRequestSchema } from '../../src/domain/deploy-request.ts';
import { fleetFor } from '../../src/domain/fleet.ts';
import type { ChefClient, Host } from '../../src/domain/ports.ts';
import { resolveTargets } from '../../src/domain/targets.ts';

const shop: Application = {
  name: 'shop',
  team: 'payments',
  environments: ['production', 'staging'],
  chef: { tags: ['app-shop'], environments: {} },
  haproxy: { backends: ['shop'], lbChefTags: ['lb-shop'] },
  installDir: '/opt/shop',
  restartCommand: ['true'],
  keepReleases: 5,
  fleet: { stack: 'python', osVersion: 'ubuntu-22.04', count: { production: 3, staging: 1 } },
};
const request = (environment: string) =>
  deployRequestSchema.parse({
    application: 'shop',
    environment,
    team: 'payments',
    version: 'v2',
    artifact: { url: 'https://artifacts.example.com/shop-v2.tar.gz', sha256: 'a'.repeat(64) },
    concurrency: 2,
    healthCheck: { port: 8000 },
  });

/** Chef with the LB box everywhere and the given VMs in every environment. */
const chef = (vms: Host[]): ChefClient => ({
  async searchNodes(query) {
    return query.includes('lb\\-shop') ? [{ name: 'shop-lb1', address: '127.0.0.2' }] : vms;
  },
  async deleteNode() {
    throw new Error('a dry run deletes nothing');
  },
});

describe('dry run of a deploy to an application that declares its fleet', () => {
  it('says "would create N VMs (stack, OS)" where Chef finds no host', async () => {
    const req = request('production');
    const plan = await dryRun(req, resolveTargets(shop, req), chef([]), undefined, fleetFor(shop, 'production'));
    expect(plan.hosts).toEqual([]);
    expect(plan.phases).toEqual([]);
    expect(plan.wouldCreate).toEqual({
      stack: 'python',
      osVersion: 'ubuntu-22.04',
      machineType: undefined,
      count: 3,
      message: 'would create 3 VMs (python, ubuntu-22.04), then deploy to them',
    });
    const staging = request('staging');
    const one = await dryRun(
      staging,
      resolveTargets(shop, staging),
      chef([]),
      undefined,
      fleetFor({ ...shop, fleet: { ...shop.fleet!, machineType: 'n2-standard-4' } }, 'staging'),
    );
    expect(one.wouldCreate?.message).toBe('would create 1 VM (python, ubuntu-22.04, n2-standard-4), then deploy to them');
  });

  it('creates nothing where Chef finds hosts, or where no fleet is declared', async () => {
    const req = request('production');
    const found = await dryRun(req, resolveTargets(shop, req), chef([{ name: 'shop-vm1', address: '127.0.0.10' }]), undefined, fleetFor(shop, 'production'));
    expect(found.hosts.map((h) => h.name)).toEqual(['shop-vm1']);
    expect(found.wouldCreate).toBeUndefined();
    const none = await dryRun(req, resolveTargets(shop, req), chef([]), undefined, fleetFor({ ...shop, fleet: undefined }, 'production'));
    expect(none.hosts).toEqual([]);
    expect(none.wouldCreate).toBeUndefined();
  });
});
