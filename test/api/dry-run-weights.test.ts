import { describe, expect, it } from 'vitest';
import { plannedWeights } from '../../src/api/dry-run-weights.ts';
import type { LbFound } from '../../src/domain/haproxy-weights.ts';
import type { Host, LoadBalancer } from '../../src/domain/ports.ts';

const lbs: Host[] = [
  { name: 'lb-a', address: '127.0.0.2' },
  { name: 'lb-b', address: '127.0.0.3' },
];

/** The servers of backend `shop` on two boxes, as `show servers state` lists them; records each read. */
function fakeBalancer(servers: Record<string, [Omit<LbFound, 'lb'>, Omit<LbFound, 'lb'>]>) {
  const reads: string[] = [];
  const balancer: Pick<LoadBalancer, 'serverStates'> = {
    async serverStates(lb, backend) {
      reads.push(`${lb.name}:${backend}`);
      const at = lbs.findIndex((b) => b.name === lb.name);
      return Object.entries(servers).map(([server, states]) => ({ backend, server, operational: 'UP', ...states[at]! }));
    },
  };
  return { balancer, reads };
}

const ready = (weight: number, initialWeight = weight) => ({ admin: 'ready' as const, weight, initialWeight });

describe('plannedWeights', () => {
  it('gives each host per box its state, weights now, and the weights the deploy would set', async () => {
    const { balancer, reads } = fakeBalancer({
      'vm-1': [ready(1), ready(1)],
      'vm-2': [ready(256), ready(50, 256)],
      'vm-3': [{ admin: 'maint', weight: 100, initialWeight: 100 }, ready(100)],
    });
    const plan = await plannedWeights(balancer, lbs, 'shop', ['vm-1', 'vm-2', 'vm-3'], 10);
    expect(reads).toEqual(['lb-a:shop', 'lb-b:shop']);
    expect(plan).toEqual([
      {
        host: 'vm-1',
        inMaintenance: false,
        boxes: [
          { lb: 'lb-a', state: 'ready', weight: 1, configuredWeight: 1, enableWeight: 1, fullWeight: 1, raisedToMinimum: true },
          { lb: 'lb-b', state: 'ready', weight: 1, configuredWeight: 1, enableWeight: 1, fullWeight: 1, raisedToMinimum: true },
        ],
      },
      {
        host: 'vm-2',
        inMaintenance: false,
        boxes: [
          { lb: 'lb-a', state: 'ready', weight: 256, configuredWeight: 256, enableWeight: 25, fullWeight: 256, raisedToMinimum: false },
          { lb: 'lb-b', state: 'ready', weight: 50, configuredWeight: 256, enableWeight: 5, fullWeight: 50, raisedToMinimum: false },
        ],
      },
      {
        host: 'vm-3',
        inMaintenance: true,
        skipped: 'in maintenance before the deploy',
        boxes: [
          { lb: 'lb-a', state: 'maint', weight: 100, configuredWeight: 100, enableWeight: 10, fullWeight: 100, raisedToMinimum: false },
          { lb: 'lb-b', state: 'ready', weight: 100, configuredWeight: 100, enableWeight: 10, fullWeight: 100, raisedToMinimum: false },
        ],
      },
    ]);
  });

  it('does not mark a host in maintenance as skipped when the request includes such hosts', async () => {
    const { balancer } = fakeBalancer({ 'vm-3': [{ admin: 'drain', weight: 0, initialWeight: 100 }, ready(100)] });
    const [plan] = await plannedWeights(balancer, lbs, 'shop', ['vm-3'], 50, { includeHostsInMaintenance: true });
    expect(plan).toMatchObject({ host: 'vm-3', inMaintenance: true });
    expect(plan?.skipped).toBeUndefined();
    expect(plan?.boxes[0]).toMatchObject({ state: 'drain', weight: 0, enableWeight: 50, fullWeight: 100 });
  });

  it('keeps the host order over many hosts with one read per box', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `vm-${i}`);
    const { balancer, reads } = fakeBalancer(Object.fromEntries(names.map((n, i) => [n, [ready(i + 1), ready(i + 1)]])));
    const plan = await plannedWeights(balancer, lbs, 'shop', names, 100);
    expect(plan.map((p) => p.host)).toEqual(names);
    expect(plan.map((p) => p.boxes[0]?.enableWeight)).toEqual(names.map((_, i) => i + 1));
    expect(reads).toEqual(['lb-a:shop', 'lb-b:shop']);
    expect(await plannedWeights(balancer, lbs, 'shop', [], 10)).toEqual([]);
  });

  it('rejects with the error naming the server missing from the backend', async () => {
    const { balancer } = fakeBalancer({});
    await expect(plannedWeights(balancer, lbs, 'shop', ['ghost'], 10)).rejects.toThrow('HAProxy on lb-a, shop/ghost: no such server in show servers state');
  });
});
