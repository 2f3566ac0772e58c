import { describe, expect, it } from 'vitest';
import {
  budgetSpent,
  type OldVm,
  planRecycleBatches,
  recycleBatchRequestId,
  recycleDeploymentId,
  recycleRequestSchema,
  replacementPlatform,
  vmsToRecycle,
} from '../../src/domain/fleet-recycle.ts';

const vm = (n: number, os = 'ubuntu-20.04'): OldVm => ({
  name: `shop-vm${n}`,
  address: `127.0.0.${n}`,
  stack: 'java',
  osVersion: os,
  machineType: 'n2-standard-2',
});

describe('fleet recycle planning', () => {
  it('batches the old VMs by batchSize in name order, the last batch the rest', () => {
    const plan = planRecycleBatches([vm(3), vm(1), vm(5), vm(2), vm(4)], 2);
    expect(plan.map((b) => b.map((v) => v.name))).toEqual([['shop-vm1', 'shop-vm2'], ['shop-vm3', 'shop-vm4'], ['shop-vm5']]);
    expect(planRecycleBatches([vm(1)], 10)).toHaveLength(1);
    expect(planRecycleBatches([], 2)).toEqual([]);
    expect(() => planRecycleBatches([vm(1)], 0)).toThrow('invalid batch size 0');
  });

  it('recycles READY VMs on fromOsVersion, or on any OS but the new one', () => {
    const vms = [
      { name: 'a', status: 'READY', osVersion: 'ubuntu-20.04' },
      { name: 'b', status: 'READY', osVersion: 'ubuntu-22.04' },
      { name: 'c', status: 'FAILED', osVersion: 'ubuntu-20.04' },
      { name: 'd', status: 'READY', osVersion: 'debian-12' },
    ];
    expect(vmsToRecycle(vms, 'ubuntu-20.04', 'ubuntu-22.04').map((v) => v.name)).toEqual(['a']);
    expect(vmsToRecycle(vms, undefined, 'ubuntu-22.04').map((v) => v.name)).toEqual(['a', 'd']);
  });

  it('the failure budget: stops once more batches failed than maxFailedBatches', () => {
    expect(budgetSpent(0, 0)).toBe(false);
    expect(budgetSpent(1, 0)).toBe(true);
    expect(budgetSpent(1, 1)).toBe(false);
  });

  it("new VMs take the request's stack or the old VM's, the new OS and the old machine type", () => {
    expect(replacementPlatform([vm(1)], { toOsVersion: 'ubuntu-22.04' })).toEqual({ stack: 'java', osVersion: 'ubuntu-22.04', machineType: 'n2-standard-2' });
    expect(replacementPlatform([vm(1)], { toOsVersion: 'ubuntu-22.04', stack: 'python' }).stack).toBe('python');
  });

  it('ids derive from the recycle id and match the API routes', () => {
    expect(recycleDeploymentId('fr-0123abcd-ef')).toBe('d-0123abcd-ef');
    expect(recycleBatchRequestId('fr-0123abcd-ef', 2)).toBe('vr-0123abcd-ef-b2');
  });

  it('the request: batchSize required, maxFailedBatches 0 by default, unknown fields refused', () => {
    const ok = recycleRequestSchema.parse({ application: 'shop', environment: 'production', toOsVersion: 'ubuntu-22.04', batchSize: 2 });
    expect(ok.maxFailedBatches).toBe(0);
    expect(recycleRequestSchema.safeParse({ application: 'shop', environment: 'production', toOsVersion: 'ubuntu-22.04' }).success).toBe(false);
    expect(recycleRequestSchema.safeParse({ ...ok, batchSize: 0 }).success).toBe(false);
    expect(recycleRequestSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });
});
