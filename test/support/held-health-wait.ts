import { expect } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import { breakHealth, healHealth } from './fleet-probes.ts';
import type { Vesemir } from './vesemir.ts';

/**
 * Starts a deploy of v2 at concurrency 1 whose first host waits for health
 * (for up to 120 s) until `release()`; resolves once the API shows that host's
 * `health` step RUNNING.
 */
export async function deployHeldInHealthWait(fleet: Fleet, v: Vesemir) {
  const vm = fleet.vms[0]!.name;
  // v2 answers /health with 500 on it until release(): its health wait is held open.
  await breakHealth(fleet, vm, 'v2');
  const body = fleet.deployRequest('v2', await fleet.release('v2'), {
    concurrency: 1,
    healthCheck: { port: fleet.app.port, path: '/health', timeoutSeconds: 120 },
  });
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: body });
  expect(res.statusCode, res.body).toBe(202);
  const id: string = res.json().id;
  const lastStep = async () => {
    const step = (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}` })).json().hosts?.[0]?.steps?.at(-1);
    return step && `${step.name} ${step.status}`;
  };
  await expect.poll(lastStep, { timeout: 30_000, interval: 100 }).toBe('health RUNNING');
  return { id, vm, lastStep, release: () => healHealth(fleet, vm, 'v2') };
}
