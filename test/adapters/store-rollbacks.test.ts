import { describe, expect, it } from 'vitest';
import { at, backends, hosts, newDeployment, useStore } from './store-fixtures.ts';

// Migration 7: a rollback linked both ways, its reason, each host's previous release.

describe.each(backends)('rollbacks in SqlDeploymentStore on $name', (backend) => {
  const open = useStore(backend);

  it("keeps each host's previous release once known: a later status without one does not clear it", async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.setHosts(d.id, 'q', ['lb-1'], hosts('web-a', 'web-b'));
    await open.store.setHostStatus(d.id, 'web-a', 'DONE', undefined, 'v1');
    await open.store.setHostStatus(d.id, 'web-a', 'ROLLED_BACK', 'cancelled with rollback');
    const read = await open.store.getDeployment(d.id);
    expect(read?.hosts.map((h) => [h.name, h.status, h.previousVersion])).toEqual([
      ['web-a', 'ROLLED_BACK', 'v1'],
      ['web-b', 'PENDING', undefined],
    ]);
  });

  it('links a rollback both ways, with its reason; refuses a second while the first is live, allows one after it FAILED', async () => {
    const original = newDeployment({ status: 'SUCCEEDED' });
    await open.store.insertDeployment(original);
    const first = newDeployment({ application: original.application, rollbackOf: original.id, rollbackReason: 'v2 breaks checkout', createdAt: at(5) });
    expect(await open.store.insertRollback({ ...first, rollbackOf: original.id })).toEqual({ linked: true });
    expect(await open.store.getDeployment(first.id)).toMatchObject({ rollbackOf: original.id, rollbackReason: 'v2 breaks checkout' });
    expect((await open.store.getDeployment(original.id))?.rolledBackBy).toBe(first.id);

    const second = newDeployment({ application: original.application, createdAt: at(6) });
    expect(await open.store.insertRollback({ ...second, rollbackOf: original.id })).toEqual({ linked: false, rolledBackBy: first.id });
    expect(await open.store.getDeployment(second.id)).toBeUndefined();

    await open.store.setStatus(first.id, 'FAILED', at(7), 'a release is no longer kept');
    expect(await open.store.insertRollback({ ...second, rollbackOf: original.id })).toEqual({ linked: true });
    expect((await open.store.getDeployment(original.id))?.rolledBackBy).toBe(second.id);
  });

  it('lets exactly one of two racing rollbacks of one deploy link itself', async () => {
    const original = newDeployment({ status: 'SUCCEEDED' });
    await open.store.insertDeployment(original);
    const [a, b] = [newDeployment(), newDeployment()];
    const answers = await Promise.all([a, b].map((r) => open.store.insertRollback({ ...r, rollbackOf: original.id })));
    expect(answers.filter((x) => x.linked)).toHaveLength(1);
    const winner = (await open.store.getDeployment(original.id))?.rolledBackBy;
    expect([a.id, b.id]).toContain(winner);
    const loser = winner === a.id ? b : a;
    expect(await open.store.getDeployment(loser.id)).toBeUndefined();
  });
});
