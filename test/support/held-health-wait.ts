import { expect } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import type { Vesemir } from './vesemir.ts';

/** The release answers /health with 500 while this file exists on the VM: a health wait is held open. */
const HOLD_FILE = '/etc/vesemir/broken-v2';

async function onVm(fleet: Fleet, vm: string, sh: string): Promise<string> {
  const r = await fleet.exec(vm, ['sh', '-c', sh]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}

/**
 * Starts a deploy of v2 at concurrency 1 whose first host waits for health
 * (for up to 120 s) until `release()`; resolves once the API shows that host's
 * `health` step RUNNING.
 */
export async function deployHeldInHealthWait(fleet: Fleet, v: Vesemir) {
  const vm = fleet.vms[0]!.name;
  await onVm(fleet, vm, `mkdir -p /etc/vesemir && touch ${HOLD_FILE}`);
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
  return { id, vm, lastStep, release: () => onVm(fleet, vm, `rm -f ${HOLD_FILE}`) };
}
