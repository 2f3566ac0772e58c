import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { deployHeldInHealthWait as heldDeploy } from '../support/held-health-wait.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// A cancel reaches the step under way: the first host's health wait is held
// open on purpose (its release answers 500), the deploy is cancelled, and the
// wait must stop within a heartbeat or two, the host go back to its previous
// release, HAProxy as found, and the host after it never start.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 2 }, (s) => ({ fleet, v } = s));

interface Step {
  name: string;
  status: string;
  finishedAt: string | null;
}
interface HostView {
  name: string;
  status: string;
  error?: string;
  steps: Step[];
}

const onVm = async (vm: string, sh: string) => {
  const r = await fleet.exec(vm, ['sh', '-c', sh]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
};
const currentRelease = (vm: string) => onVm(vm, `readlink /opt/${fleet.app.name}/current`);

/** The deploy held in its first host's health wait, two probes in, and that host's release before it. */
async function deployHeldInHealthWait() {
  const before = await currentRelease(fleet.vms[0]!.name);
  const held = await heldDeploy(fleet, v);
  await new Promise((r) => setTimeout(r, 1500));
  return { ...held, first: held.vm, before };
}

/** What the cancel left: the wait stopped promptly, the host back as found, nothing drained. */
async function expectPutBack({ id, first, before }: { id: string; first: string; before: string }, cancelledAt: number) {
  const done = await waitForDeployment(v.api, id);
  expect(done.status, JSON.stringify(done, null, 1)).toBe('CANCELLED');
  const [host, second] = done.hosts as HostView[];
  const health = host!.steps.find((s) => s.name === 'health')!;
  expect(health.status).toBe('CANCELLED');
  const stoppedAfter = Date.parse(health.finishedAt!) - cancelledAt;
  console.log(`health wait stopped ${stoppedAfter} ms after the cancel`);
  // The promise is one heartbeat interval (about 1 s, at most 2 s); 5 s leaves room for a loaded machine.
  expect(stoppedAfter).toBeLessThan(5000);
  expect(host).toMatchObject({ status: 'ROLLED_BACK', error: 'health: deployment cancelled' });
  expect(host!.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['rollback-activate', 'rollback-restart', 'rollback-health', 'rollback-enable']));
  expect(second!.status).toBe('SKIPPED');
  expect(second!.steps).toEqual([]);
  expect(await currentRelease(first)).toBe(before);
  for (const states of await lbStates(fleet)) expect(states.filter((s) => s.admin !== 'ready')).toEqual([]);
}

describe('a cancel during a held health wait', () => {
  it('`temporal workflow cancel` stops the wait within seconds and puts the host back; the next deploy starts', async () => {
    const held = await deployHeldInHealthWait();
    const { id } = held;
    const next = (await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v3', await fleet.release('v3')) })).json();
    const cancelledAt = Date.now();
    try {
      await promisify(execFile)(temporalCliPath(), ['workflow', 'cancel', '--address', inject('temporalAddress'), '--workflow-id', `deploy-${id}`]);
      await expectPutBack(held, cancelledAt);
    } finally {
      await held.release();
    }
    const run = v.ctx.client.workflow.getHandle(`deploy-${id}`);
    await expect.poll(async () => (await run.describe()).status.name, { timeout: 10_000 }).toBe('CANCELLED');
    expect((await waitForDeployment(v.api, next.id)).status).toBe('SUCCEEDED');
  });

  it('`POST …/cancel` answers at once, stops the wait within seconds and puts the host back', async () => {
    const held = await deployHeldInHealthWait();
    const { id } = held;
    const cancelledAt = Date.now();
    try {
      const res = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/cancel` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().message).toMatch(/hosts in flight stop and are put back/);
      expect(Date.now() - cancelledAt).toBeLessThan(5000);
      await expectPutBack(held, cancelledAt);
    } finally {
      await held.release();
    }
  });
});
