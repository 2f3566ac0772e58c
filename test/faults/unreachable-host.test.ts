import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { type ApiInstance, faultConfig, type InProcessWorker, startApi, startWorkerIn } from './api-and-worker.ts';
import { getLogs, postDeploy, waitTerminal } from './deployment-api.ts';
import { expectAllOn, stepOrderViolations } from './outcome-checks.ts';

// Hosts whose sshd is gone. vm1 is down before the deploy reaches
// it (stage fails: never drained, so never touched in HAProxy); vm2 dies in
// the middle of its restart, after its drain (left drained, QUARANTINED, and
// reported). The retries are bounded by src/workflows/activity-options.ts
// (sshWork: 4 attempts, 1 s → 2 s → 4 s apart); the others are unaffected.

let fleet: Fleet;
let api: ApiInstance;
let worker: InProcessWorker;
beforeAll(async () => {
  fleet = await startFleet({ vms: 4 });
  const config = faultConfig(fleet, inject('temporalAddress'));
  api = await startApi(config);
  worker = await startWorkerIn(config, api.ctx);
}, 120_000);
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await fleet?.stop();
});

/** Makes `service restart` on a VM wait while /etc/vesemir/hold exists: the host sits drained in its restart step. */
async function holdRestarts(vm: string) {
  const script = `sed -i 's|^  restart) stop \\&\\& start ;;|  restart) while [ -f /etc/vesemir/hold ]; do sleep 0.05; done; stop \\&\\& start ;;|' /etc/vesemir/service && touch /etc/vesemir/hold && grep -q 'etc/vesemir/hold' /etc/vesemir/service`;
  expect((await fleet.exec(vm, ['sh', '-c', script])).exitCode).toBe(0);
}

describe('unreachable hosts', () => {
  it('fails the host that is down, quarantines the one that died drained, and deploys the rest', async () => {
    const [down, dies, ...healthy] = fleet.vms.map((vm) => vm.name) as [string, string, ...string[]];
    await holdRestarts(dies);
    await fleet.vms[0]!.stop();
    const started = Date.now();
    const id = await postDeploy(api.api, fleet, 'v2', { concurrency: 2, maxFailedHosts: 2 });

    // vm2 reaches its restart (drained, activated), then its box goes away under the running command.
    await expect
      .poll(async () => (await getLogs(api.api, id)).some((l) => l.host === dies && l.step === 'restart'), { timeout: 30_000, interval: 25 })
      .toBe(true);
    await fleet.vms[1]!.stop();
    const stoppedAt = Date.now();

    const done = await waitTerminal(() => api.api, id, 120_000);
    console.log(`unreachable hosts: deploy ended ${done.status} ${Date.now() - started} ms after start, ${Date.now() - stoppedAt} ms after vm2 died`);
    expect(done.status).toBe('FAILED');
    const host = (name: string) => done.hosts.find((h) => h.name === name)!;
    expect(host(down).status).toBe('FAILED');
    expect(host(down).error).toMatch(/^stage: /);
    expect(host(dies).status).toBe('QUARANTINED');
    expect(host(dies).error).toMatch(/left drained/);
    for (const name of healthy) expect(host(name).status).toBe('DONE');

    const logs = await getLogs(api.api, id);
    const attempts = (name: string, step: string) => logs.filter((l) => l.host === name && l.step === step);
    // Bounded: every step that could not reach its host was tried exactly sshWork's 4 times.
    expect(attempts(down, 'stage').map((l) => l.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(attempts(down, 'drain')).toEqual([]);
    expect(attempts(dies, 'restart').length).toBe(4);
    expect(attempts(dies, 'rollback-activate').map((l) => l.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    const span = (l: { startedAt: string; finishedAt: string | null }[]) => Date.parse(l.at(-1)!.finishedAt!) - Date.parse(l[0]!.startedAt);
    console.log(
      `retries: stage on ${down} ${span(attempts(down, 'stage'))} ms, restart on ${dies} ${span(attempts(dies, 'restart'))} ms, rollback-activate ${span(attempts(dies, 'rollback-activate'))} ms`,
    );

    // HAProxy: vm1 was never drained; vm2 is left in maintenance (and reported above); the rest READY at 100.
    for (const states of await lbStates(fleet)) {
      const admin = Object.fromEntries(states.map((s) => [s.server, s.admin]));
      expect(admin[down]).toBe('ready');
      expect(admin[dies]).toBe('maint');
    }
    await expectAllOn(fleet, 'v2', healthy);
    expect(stepOrderViolations(logs, healthy)).toEqual([]);
  });
});
