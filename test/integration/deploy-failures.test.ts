import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_PATH } from '../../src/domain/errors.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { breakHealth, lbStates, watchOutOfReady } from '../support/fleet-probes.ts';
import { anchorsOf } from '../support/markdown.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// What goes wrong on real hosts: a release that fails its health check on one
// VM, and an artifact whose checksum does not match.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 3 }, (s) => ({ fleet, v } = s));

const current = async (vm: string) => (await fleet.exec(vm, ['readlink', '/opt/shop/current'])).stdout.trim();
const runbookAnchors = anchorsOf(readFileSync(new URL(`../../${RUNBOOK_PATH}`, import.meta.url), 'utf8'));
const version = async (url: string) => ((await (await fetch(`${url}/health`)).json()) as { version: string }).version;

describe('a deploy that fails on real hosts', () => {
  it('rolls back the VM whose v2 fails its health check, and starts no host after it', async () => {
    const [vm1, vm2, vm3] = fleet.vms as [(typeof fleet.vms)[0], (typeof fleet.vms)[0], (typeof fleet.vms)[0]];
    // vm2's v2 will answer /health with 500; v1 stays healthy there.
    await breakHealth(fleet, vm2.name, 'v2');
    const artifact = await fleet.release('v2');
    const body = fleet.deployRequest('v2', artifact, {
      concurrency: 1,
      maxFailedHosts: 0,
      healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 2 },
    });
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: body });
    expect(res.statusCode, res.body).toBe(202);
    const done = await waitForDeployment(v.api, res.json().id);

    expect(done.status).toBe('FAILED');
    const hosts = Object.fromEntries(done.hosts.map((h: { name: string }) => [h.name, h]));
    expect(hosts[vm1.name].status).toBe('DONE');
    expect(hosts[vm2.name].status).toBe('ROLLED_BACK');
    expect(hosts[vm2.name].error).toMatch(/health: .*not healthy after 2s.*HTTP 500/);
    expect(done.error).toContain(vm2.name);
    const healthStep = hosts[vm2.name].steps.find((s: { name: string }) => s.name === 'health');
    expect(healthStep.status).toBe('FAILED');
    expect(healthStep.outputTail).toContain('HTTP 500');
    // The failure's type and its runbook section, on the step and on its host.
    expect(healthStep).toMatchObject({ errorType: 'HealthCheckFailed', docs: `${RUNBOOK_PATH}#healthcheckfailed` });
    expect(hosts[vm2.name]).toMatchObject({ errorType: 'HealthCheckFailed', docs: healthStep.docs });
    expect(runbookAnchors.has(healthStep.docs.split('#')[1])).toBe(true);
    expect(hosts[vm1.name].steps.every((s: { errorType: unknown; docs: unknown }) => s.errorType === null && s.docs === null)).toBe(true);
    const logs = await v.api.inject({ method: 'GET', url: `/v1/deployments/${done.id}/logs?host=${vm2.name}&step=health` });
    expect(logs.json().steps.at(-1)).toMatchObject({ status: 'FAILED', errorType: 'HealthCheckFailed', docs: healthStep.docs });
    expect(hosts[vm2.name].steps.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['rollback-activate', 'rollback-restart', 'rollback-health', 'rollback-enable']),
    );
    // The budget was spent on vm2: vm3 never started.
    expect(hosts[vm3.name].status).toBe('SKIPPED');
    expect(hosts[vm3.name].steps).toEqual([]);

    expect(await current(vm1.name)).toBe('releases/v2');
    expect(await current(vm2.name)).toBe('releases/v1');
    expect(await version(vm2.appUrl)).toBe('v1');
    expect(await current(vm3.name)).toBe('releases/v1');
    for (const states of await lbStates(fleet)) {
      expect(states.every((s) => s.admin === 'ready' && s.weight === 100)).toBe(true);
    }
  });

  it('never drains a host when the artifact does not match its sha256', async () => {
    const artifact = await fleet.release('v3');
    const watcher = watchOutOfReady(fleet, 20);
    const body = fleet.deployRequest('v3', { url: artifact.url, sha256: 'f'.repeat(64) });
    const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: body });
    expect(res.statusCode, res.body).toBe(202);
    const done = await waitForDeployment(v.api, res.json().id);
    const seen = await watcher.stop();

    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(/sha256/);
    expect(seen.max).toBe(0);
    expect(seen.samples).toBeGreaterThan(0);
    for (const vm of fleet.vms) expect(await current(vm.name)).not.toBe('releases/v3');
  });
});
