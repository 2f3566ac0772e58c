import { describe, expect, it } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// The weighted enable on backends whose servers have HAProxy's default weight
// (1) and the largest (256): never an enabled server at weight 0, the reduced
// weight during the bake, the configured weight at the end.

/** Polls `show servers state` and keeps, per server, every weight seen while READY. */
function watchReadyWeights(fleet: Fleet, intervalMs = 100) {
  const seen = new Map<string, Set<number>>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const states of await lbStates(fleet)) {
        for (const s of states.filter((s) => s.admin === 'ready')) {
          if (!seen.has(s.server)) seen.set(s.server, new Set());
          seen.get(s.server)!.add(s.weight);
        }
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

async function deployAtTenPercent(fleet: Fleet, v: Vesemir) {
  const artifact = await fleet.release('v2');
  const watcher = watchReadyWeights(fleet);
  const body = fleet.deployRequest('v2', artifact, {
    concurrency: 1,
    haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 10, degradationSeconds: 3 },
  });
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: body });
  expect(res.statusCode, res.body).toBe(202);
  const done = await waitForDeployment(v.api, res.json().id);
  const seen = await watcher.stop();
  expect(done.status, JSON.stringify(done.hosts)).toBe('SUCCEEDED');
  return { id: res.json().id as string, seen };
}

async function dryRunWeights(fleet: Fleet, v: Vesemir) {
  const body = fleet.deployRequest('v2', await fleet.release('v2'), {
    haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 10, degradationSeconds: 3 },
  });
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments?dryRun=true', payload: body });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().weightPercent).toBe(10);
  return res.json().weights as { host: string; boxes: { enableWeight: number; fullWeight: number; raisedToMinimum: boolean }[] }[];
}

async function enableLog(v: Vesemir, id: string, host: string): Promise<string> {
  const res = await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}/logs?host=${host}&step=enable` });
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json()
    .steps.map((s: { stdout: string }) => s.stdout)
    .join('');
}

describe('servers at HAProxy default weight 1', () => {
  let fleet: Fleet;
  let v: Vesemir;
  useStack({ vms: 2, serverWeight: 1 }, (s) => ({ fleet, v } = s));

  it('shows in the dry run that 10% of weight 1 is raised to 1', async () => {
    const weights = await dryRunWeights(fleet, v);
    expect(weights.map((w) => w.host).sort()).toEqual(fleet.vms.map((vm) => vm.name).sort());
    for (const w of weights) expect(w.boxes).toEqual([expect.objectContaining({ enableWeight: 1, fullWeight: 1, raisedToMinimum: true })]);
  });

  it('enables at weight 1, never 0, says so in the step record, and ends at weight 1', async () => {
    const { id, seen } = await deployAtTenPercent(fleet, v);
    for (const vm of fleet.vms) {
      expect([...(seen.get(vm.name) ?? [])], vm.name).toEqual([1]);
      expect(await enableLog(v, id, vm.name)).toContain(
        `${fleet.lbBoxes[0]!.name}: ${fleet.app.backend}/${vm.name} ready at weight 1 (10% of 1): 10% of weight 1 rounds down to 0, raised to the smallest non-zero weight 1`,
      );
    }
    for (const states of await lbStates(fleet)) expect(states.map((s) => [s.admin, s.weight])).toEqual(fleet.vms.map(() => ['ready', 1]));
  });
});

describe('servers at weight 256', () => {
  let fleet: Fleet;
  let v: Vesemir;
  useStack({ vms: 2, serverWeight: 256 }, (s) => ({ fleet, v } = s));

  it('shows in the dry run a first enable at 25 of 256', async () => {
    for (const w of await dryRunWeights(fleet, v)) {
      expect(w.boxes).toEqual([expect.objectContaining({ enableWeight: 25, fullWeight: 256, raisedToMinimum: false })]);
    }
  });

  it('bakes at weight 25 and ends at 256, never at 0 while ready', async () => {
    const { id, seen } = await deployAtTenPercent(fleet, v);
    for (const vm of fleet.vms) {
      const weights = [...(seen.get(vm.name) ?? [])];
      expect(weights, vm.name).toContain(25);
      expect(weights, vm.name).not.toContain(0);
      expect(await enableLog(v, id, vm.name)).toContain(`${fleet.app.backend}/${vm.name} ready at weight 25 (10% of 256)`);
    }
    for (const states of await lbStates(fleet)) expect(states.map((s) => [s.admin, s.weight])).toEqual(fleet.vms.map(() => ['ready', 256]));
  });
});
