import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeploymentNotFoundError, type SqlDeploymentStore } from '../../src/adapters/store/deployment-store.ts';
import { at, backends, hosts, newDeployment, useStore } from './store-fixtures.ts';

describe.each(backends)('SqlDeploymentStore on $name', (backend) => {
  const open = useStore(backend);

  it('inserts a deployment once and reads it back with Dates', async () => {
    const d = newDeployment();
    expect(await open.store.insertDeployment(d)).toEqual({ created: true });
    expect(await open.store.insertDeployment({ ...d, version: '9.9.9' })).toEqual({ created: false });
    const read = await open.store.getDeployment(d.id);
    expect(read).toMatchObject({ ...d, loadBalancers: [], hosts: [] });
    expect(read?.createdAt).toBeInstanceOf(Date);
    expect(read?.startedAt).toBeUndefined();
    expect(await open.store.getDeployment('no-such-deployment')).toBeUndefined();
  });

  it('stamps started_at on the first RUNNING and finished_at on a terminal status', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.setStatus(d.id, 'RUNNING', at(1));
    await open.store.setStatus(d.id, 'PAUSED', at(2));
    await open.store.setStatus(d.id, 'RUNNING', at(3));
    let read = await open.store.getDeployment(d.id);
    expect(read).toMatchObject({ status: 'RUNNING', startedAt: at(1), finishedAt: undefined });

    await open.store.setStatus(d.id, 'FAILED', at(4), 'host web-1 failed health');
    await open.store.setStatus(d.id, 'FAILED', at(5)); // a replayed activity
    read = await open.store.getDeployment(d.id);
    expect(read).toMatchObject({ status: 'FAILED', startedAt: at(1), finishedAt: at(4) });
    expect(read?.finishedAt).toBeInstanceOf(Date);
    expect(read?.error).toBe('host web-1 failed health');

    await expect(open.store.setStatus('missing', 'RUNNING', at(1))).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });

  it('records the host snapshot once: a retry neither reorders nor resets it', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.setHosts(d.id, 'tags:web AND chef_environment:production', ['lb-1'], hosts('web-b', 'web-a'));
    await open.store.setHostStatus(d.id, 'web-b', 'FAILED', 'health timed out');
    await open.store.setHosts(d.id, 'something else', ['lb-2'], hosts('web-a', 'web-b', 'web-c'));

    const read = await open.store.getDeployment(d.id);
    expect(read?.chefQuery).toBe('tags:web AND chef_environment:production');
    expect(read?.loadBalancers).toEqual(['lb-1']);
    expect(read?.hosts).toEqual([
      { name: 'web-b', address: '10.0.0.1', status: 'FAILED', error: 'health timed out' },
      { name: 'web-a', address: '10.0.0.2', status: 'PENDING', error: undefined },
    ]);
    await expect(open.store.setHostStatus(d.id, 'web-z', 'DONE')).rejects.toBeInstanceOf(DeploymentNotFoundError);
    await expect(open.store.setHosts('missing', 'q', [], [])).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });

  it('marks many hosts SKIPPED in one write, and names a host the deployment does not have', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.setHosts(d.id, 'q', [], hosts('web-a', 'web-b', 'web-c'));
    await open.store.setHostStatus(d.id, 'web-a', 'DONE');
    await open.store.setHostsStatus(d.id, ['web-b', 'web-c'], 'SKIPPED', 'deployment cancelled');
    expect((await open.store.getDeployment(d.id))?.hosts.map((h) => [h.name, h.status, h.error])).toEqual([
      ['web-a', 'DONE', undefined],
      ['web-b', 'SKIPPED', 'deployment cancelled'],
      ['web-c', 'SKIPPED', 'deployment cancelled'],
    ]);
    await expect(open.store.setHostsStatus(d.id, ['web-b', 'web-z'], 'SKIPPED', 'x')).rejects.toThrow(/has no host web-z/);
  });

  it('lets exactly one of two racing setHosts calls write the snapshot', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await Promise.all([open.store.setHosts(d.id, 'q1', [], hosts('a', 'b', 'c')), open.store.setHosts(d.id, 'q2', [], hosts('c', 'b', 'a'))]);
    const read = await open.store.getDeployment(d.id);
    const expected = read?.chefQuery === 'q1' ? ['a', 'b', 'c'] : ['c', 'b', 'a'];
    expect(read?.hosts.map((h) => h.name)).toEqual(expected);
  });

  it('lists deployments newest first, filtered, with hosts, 50 by default', async () => {
    const application = `list-${randomUUID().slice(0, 8)}`;
    const old = newDeployment({ application, environment: 'staging', createdAt: at(1) });
    const mid = newDeployment({ application, environment: 'production', createdAt: at(2) });
    const recent = newDeployment({ application, environment: 'production', createdAt: at(3) });
    for (const d of [mid, recent, old]) await open.store.insertDeployment(d);
    await open.store.insertDeployment(newDeployment({ environment: 'production', createdAt: at(4) }));
    await open.store.setStatus(recent.id, 'SUCCEEDED', at(5));
    await open.store.setHosts(mid.id, 'q', ['lb'], hosts('web-2', 'web-1'));

    const ids = async (filter: Parameters<SqlDeploymentStore['listDeployments']>[0]) => (await open.store.listDeployments(filter)).map((d) => d.id);
    expect(await ids({ application })).toEqual([recent.id, mid.id, old.id]);
    expect(await ids({ application, environment: 'production' })).toEqual([recent.id, mid.id]);
    expect(await ids({ application, status: ['QUEUED'] })).toEqual([mid.id, old.id]);
    expect(await ids({ application, status: ['SUCCEEDED', 'FAILED'] })).toEqual([recent.id]);
    expect(await ids({ application, status: [] })).toEqual([]);
    expect(await ids({ application, limit: 1 })).toEqual([recent.id]);
    const listed = await open.store.listDeployments({ application, environment: 'production' });
    expect(listed[1]?.hosts.map((h) => h.name)).toEqual(['web-2', 'web-1']);
    expect(listed[0]?.finishedAt).toEqual(at(5));

    const many = `many-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 55; i++) await open.store.insertDeployment(newDeployment({ application: many, createdAt: at(i) }));
    expect(await open.store.listDeployments({ application: many })).toHaveLength(50);
    expect(await open.store.listDeployments({ application: many, limit: 10_000 })).toHaveLength(55);
    expect(await open.store.listDeployments({ application: many, limit: Number.NaN })).toHaveLength(50);
  });

  it('counts the unfinished deployments per status', async () => {
    const before = await open.store.countUnfinished();
    const [queued, paused, done] = [newDeployment(), newDeployment(), newDeployment()];
    for (const d of [queued, paused, done]) await open.store.insertDeployment(d);
    await open.store.setStatus(paused.id, 'PAUSED', at(1));
    await open.store.setStatus(done.id, 'SUCCEEDED', at(2));
    const after = await open.store.countUnfinished();
    expect((after.QUEUED ?? 0) - (before.QUEUED ?? 0)).toBe(1);
    expect((after.PAUSED ?? 0) - (before.PAUSED ?? 0)).toBe(1);
    expect(after.SUCCEEDED).toBeUndefined();
  });
});
