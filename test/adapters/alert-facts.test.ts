import { describe, expect, it } from 'vitest';
import { SqlAlertFacts } from '../../src/adapters/store/alert-facts.ts';
import { at, backends, hosts, newDeployment, step, useStore } from './store-fixtures.ts';

describe.each(backends)('SqlAlertFacts on $name', (backend) => {
  const open = useStore(backend);
  const facts = () => new SqlAlertFacts(open.db!);
  const app = `alerts-${backend.name.length}`;

  it('counts a host quarantined until a later deploy of it (or a retry) ends otherwise; untouched hosts do not clear it', async () => {
    const first = newDeployment({ application: app, status: 'FAILED', createdAt: at(0) });
    const later = newDeployment({ application: app, status: 'RUNNING', createdAt: at(10) });
    for (const d of [first, later]) {
      await open.store.insertDeployment(d);
      await open.store.setHosts(d.id, 'q', [], hosts('web-1', 'web-2'));
    }
    await open.store.setHostStatus(first.id, 'web-1', 'QUARANTINED', 'left drained');
    await open.store.setHostStatus(first.id, 'web-2', 'QUARANTINED', 'left drained');
    await open.store.setHostStatus(later.id, 'web-2', 'SKIPPED');
    const mine = async () => (await facts().quarantinedHosts()).filter((r) => r.application === app);
    expect(await mine()).toEqual([{ application: app, environment: 'production', hosts: 2 }]);
    await open.store.setHostStatus(later.id, 'web-1', 'DONE');
    expect(await mine()).toEqual([{ application: app, environment: 'production', hosts: 1 }]);
    await open.store.setHostStatus(first.id, 'web-2', 'DONE'); // `vesemir retry`
    expect(await mine()).toEqual([]);
  });

  it('ages the oldest QUEUED deployment by the database clock', async () => {
    const before = await facts().oldestQueuedSeconds();
    const d = newDeployment({ createdAt: new Date(Date.now() - 600_000) });
    await open.store.insertDeployment(d);
    const seconds = await facts().oldestQueuedSeconds();
    expect(seconds).toBeGreaterThanOrEqual(Math.max(before ?? 0, 599));
    await open.store.setStatus(d.id, 'RUNNING', new Date());
    expect((await facts().oldestQueuedSeconds()) ?? 0).toBeLessThan(599);
  });

  it("ages each step's latest execution still running, on hosts and deploys still running", async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.setHosts(d.id, 'q', [], hosts('web-1', 'web-2'));
    await open.store.setStatus(d.id, 'RUNNING', new Date());
    const running = (host: string, name: 'stage' | 'restart', attempt: number, ago: number) =>
      open.store.saveStep({ ...step(d, host, name, attempt), status: 'RUNNING', startedAt: new Date(Date.now() - ago * 1000), finishedAt: undefined });
    await running('web-1', 'stage', 1, 900); // its worker died: attempt 2 runs now
    await running('web-1', 'stage', 2, 30);
    await running('web-2', 'restart', 1, 120);
    await open.store.setHostStatus(d.id, 'web-1', 'RUNNING');
    const ages = async () => Object.fromEntries((await facts().runningStepSeconds()).map((r) => [r.step, Math.round(r.seconds / 10) * 10]));
    expect(await ages()).toEqual({ stage: 30 }); // web-2 is not RUNNING yet
    await open.store.setHostStatus(d.id, 'web-2', 'RUNNING');
    expect(await ages()).toEqual({ stage: 30, restart: 120 });
    await open.store.setStatus(d.id, 'FAILED', new Date());
    expect(await ages()).toEqual({});
  });
});
