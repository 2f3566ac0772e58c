import { describe, expect, it } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import { clientLoop, lbStates, watchOutOfReady } from '../support/fleet-probes.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// A deploy end to end: the API, the real Temporal dev server, goiardi,
// HAProxy, and four fake VMs over SSH.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 4 }, (s) => ({ fleet, v } = s));

describe('deploy through the API', () => {
  it('rolls v2 onto 4 VMs, 2 at a time, with no failed request through HAProxy', async () => {
    const artifact = await fleet.release('v2');
    const watcher = watchOutOfReady(fleet);
    const clients = clientLoop(fleet.haproxies[0]!.frontendUrl);
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', artifact, { concurrency: 2 }) });
    expect(res.statusCode, res.body).toBe(202);
    const { id, links } = res.json();
    expect(links.temporalUi).toContain(`deploy-${id}`);
    const early = await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` });
    expect(early.statusCode).toBe(200);

    const done = await waitForDeployment(v.api, id);
    const seen = await watcher.stop();
    const traffic = await clients.stop();

    expect(done.status, JSON.stringify(done, null, 1)).toBe('SUCCEEDED');
    expect(seen.max).toBeLessThanOrEqual(2);
    expect(seen.max).toBeGreaterThan(0);
    expect(traffic.failed, traffic.errors.slice(0, 5).join('; ')).toBe(0);
    expect(traffic.ok).toBeGreaterThan(10);
    expect(done.hosts).toHaveLength(4);
    for (const host of done.hosts) {
      expect(host.status).toBe('DONE');
      expect(host.steps.map((s: { name: string }) => s.name)).toEqual(['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full']);
      expect(host.steps.every((s: { status: string }) => s.status === 'SUCCEEDED')).toBe(true);
    }
    for (const vm of fleet.vms) {
      const health = (await (await fetch(`${vm.appUrl}/health`)).json()) as { version: string };
      expect(health.version).toBe('v2');
      expect((await fleet.exec(vm.name, ['readlink', '/opt/shop/current'])).stdout.trim()).toBe('releases/v2');
    }
    for (const states of await lbStates(fleet)) {
      expect(states.map((s) => [s.server, s.admin, s.weight])).toEqual(fleet.vms.map((vm) => [vm.name, 'ready', 100]));
    }
    const history = await v.ctx.client.workflow.getHandle(`deploy-${id}`).fetchHistory();
    const children = history.events?.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes) ?? [];
    expect(children).toHaveLength(4);
  });
});
