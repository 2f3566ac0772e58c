import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../src/adapters/store/db.ts';
import { SqlVmStore } from '../../src/adapters/store/vm-store.ts';
import type { NewVmRequest } from '../../src/domain/vm.ts';
import { startPostgres } from '../fleet/postgres.ts';

// The inventory on PGlite in memory and on a real Postgres: one SQL dialect.

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute, 0, 123));
const backends = [
  { name: 'PGlite in memory', start: async () => ({ url: undefined as string | undefined, stop: async () => undefined }) },
  { name: 'Postgres', start: () => startPostgres() },
];

function newRequest(overrides: Partial<NewVmRequest> = {}): NewVmRequest {
  const id = `vr-${randomUUID()}`;
  return {
    id,
    workflowId: `create-vms-${id}`,
    application: `app${randomUUID().slice(0, 6)}`,
    environment: 'production',
    team: 'payments',
    stack: 'java',
    osVersion: 'ubuntu-22.04',
    machineType: 'n2-standard-2',
    count: 3,
    requestedBy: 'payments',
    createdAt: at(0),
    ...overrides,
  };
}

describe.each(backends)('SqlVmStore on $name', (backend) => {
  let db: Db;
  let store: SqlVmStore;
  let server: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    const started = await backend.start();
    server = started;
    db = await openDb(started.url ? { url: started.url } : {});
    store = new SqlVmStore(db);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it('stores a request with fresh names, each VM REQUESTED with its first transition', async () => {
    const req = newRequest();
    const { record, created } = await store.createRequest(req);
    expect(created).toBe(true);
    expect(record).toMatchObject({ id: req.id, workflowId: req.workflowId, count: 3, machineType: 'n2-standard-2', createdAt: at(0) });
    expect(record.vms.map((vm) => vm.name)).toEqual([1, 2, 3].map((n) => `${req.application}-production-java-ubuntu-2204-00${n}`));
    expect(record.vms[0]).toMatchObject({
      requestId: req.id,
      team: 'payments',
      stack: 'java',
      osVersion: 'ubuntu-22.04',
      sequence: 1,
      status: 'REQUESTED',
      address: undefined,
      jobName: undefined,
      transitions: [{ from: null, to: 'REQUESTED', at: at(0), reason: undefined }],
    });
  });

  it('returns the stored request for a repeated id and allocates nothing', async () => {
    const req = newRequest();
    const first = await store.createRequest(req);
    const again = await store.createRequest({ ...req, count: 5 });
    expect(again.created).toBe(false);
    expect(again.record.vms.map((vm) => vm.name)).toEqual(first.record.vms.map((vm) => vm.name));
    const next = await store.createRequest(newRequest({ application: req.application, count: 1 }));
    expect(next.record.vms.map((vm) => vm.sequence)).toEqual([4]);
  });

  it('never hands a name out twice, even to concurrent requests or failed VMs', async () => {
    const application = `app${randomUUID().slice(0, 6)}`;
    const first = await store.createRequest(newRequest({ application, count: 2 }));
    for (const vm of first.record.vms) await store.transition(vm.name, 'FAILED', at(1), { reason: 'no capacity' });
    const racing = await Promise.all([1, 2, 3].map(() => store.createRequest(newRequest({ application, count: 2 }))));
    const names = [first, ...racing].flatMap((r) => r.record.vms.map((vm) => vm.name));
    expect(new Set(names).size).toBe(8);
    expect(names.map((n) => n.slice(-3)).sort()).toEqual(['001', '002', '003', '004', '005', '006', '007', '008']);
    // another OS is another prefix, with its own counter
    const debian = await store.createRequest(newRequest({ application, osVersion: 'debian-12', count: 1 }));
    expect(debian.record.vms[0]?.name).toBe(`${application}-production-java-debian-12-001`);
  });

  it('saves every transition with its time, job name, address and reason', async () => {
    const { record } = await store.createRequest(newRequest({ count: 2 }));
    const [ok, bad] = record.vms.map((vm) => vm.name) as [string, string];
    await store.transition(ok, 'PROVISIONING', at(1), { jobName: 'proctor-abc' });
    const ready = await store.transition(ok, 'READY', at(2), { address: '10.0.0.7' });
    expect(ready).toMatchObject({ status: 'READY', jobName: 'proctor-abc', address: '10.0.0.7', updatedAt: at(2), error: undefined });
    expect(ready.transitions.map((t) => [t.from, t.to, t.at])).toEqual([
      [null, 'REQUESTED', at(0)],
      ['REQUESTED', 'PROVISIONING', at(1)],
      ['PROVISIONING', 'READY', at(2)],
    ]);
    await store.transition(bad, 'PROVISIONING', at(1), { jobName: 'proctor-def' });
    const failed = await store.transition(bad, 'FAILED', at(3), { reason: 'job FAILED' });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'job FAILED', jobName: 'proctor-def' });
    expect(failed.transitions.at(-1)).toEqual({ from: 'PROVISIONING', to: 'FAILED', at: at(3), reason: 'job FAILED' });
  });

  it('notes the tries of the step in progress and their last error until the VM moves on; CANCELLED keeps its reason', async () => {
    const { record } = await store.createRequest(newRequest({ count: 1 }));
    const name = record.vms[0]!.name;
    await store.noteAttempt(name, { number: 1, error: 'Proctor POST /jobs/execute: HTTP 503', at: at(1) });
    await store.noteAttempt(name, { number: 2, at: at(2) });
    expect(await store.getVm(name)).toMatchObject({ status: 'REQUESTED', attempts: 2, lastError: 'Proctor POST /jobs/execute: HTTP 503', updatedAt: at(2) });
    // A submitted job starts a new step.
    expect(await store.transition(name, 'PROVISIONING', at(3), { jobName: 'proctor-9' })).toMatchObject({ attempts: 0, lastError: undefined });
    await store.noteAttempt(name, { number: 4, error: 'provisioning job proctor-9 is JOB_EXECUTION_STATUS_FETCH_ERROR (poll 4)', at: at(4) });
    const cancelled = await store.transition(name, 'CANCELLED', at(5), { reason: 'cancelled; job proctor-9 is left to the runner' });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', error: 'cancelled; job proctor-9 is left to the runner', jobName: 'proctor-9', attempts: 4 });
    await store.noteAttempt(name, { number: 5, error: 'late', at: at(6) });
    expect(await store.getVm(name)).toMatchObject({ attempts: 4, lastError: expect.stringContaining('(poll 4)'), updatedAt: at(5) });
  });

  it('decommissions: its tries and error while DECOMMISSIONING, a failed run’s error until the next, DECOMMISSIONED clears them', async () => {
    const { record } = await store.createRequest(newRequest({ count: 1 }));
    const name = record.vms[0]!.name;
    await store.transition(name, 'PROVISIONING', at(1), { jobName: 'proctor-1' });
    await store.transition(name, 'READY', at(2), { address: '10.0.0.9' });
    // Nothing in progress on a READY VM: its error stays empty.
    await store.setDecommissionError(name, 'too early', at(3));
    expect((await store.getVm(name))?.error).toBeUndefined();
    await store.transition(name, 'DECOMMISSIONING', at(4), { reason: 'decommission requested by payments-ci' });
    await store.noteAttempt(name, { number: 2, error: 'HAProxy on lb1: no answer', at: at(5) });
    await store.setDecommissionError(name, 'decommission job: proctor-7 FAILED', at(6));
    expect(await store.getVm(name)).toMatchObject({
      status: 'DECOMMISSIONING',
      attempts: 2,
      error: 'decommission job: proctor-7 FAILED',
      lastError: 'decommission job: proctor-7 FAILED',
    });
    await store.setDecommissionError(name, undefined, at(7));
    expect((await store.getVm(name))?.error).toBeUndefined();
    const done = await store.transition(name, 'DECOMMISSIONED', at(8), { reason: 'removed from shop@lb1' });
    expect(done).toMatchObject({ status: 'DECOMMISSIONED', attempts: 0, lastError: undefined, address: '10.0.0.9' });
    expect(done.transitions.map((t) => t.to)).toEqual(['REQUESTED', 'PROVISIONING', 'READY', 'DECOMMISSIONING', 'DECOMMISSIONED']);
    await expect(store.transition(name, 'READY', at(9))).rejects.toMatchObject({ type: 'InvalidVmTransition' });
    expect((await store.countVms({ application: record.application, status: 'DECOMMISSIONED' })).total).toBe(1);
  });

  it('decommissioning a FAILED VM leaves its creation error behind (in the transitions): `error` is then the decommission’s alone', async () => {
    const { record } = await store.createRequest(newRequest({ count: 1 }));
    const name = record.vms[0]!.name;
    await store.transition(name, 'FAILED', at(1), { reason: 'job proctor-1: quota exceeded' });
    expect((await store.getVm(name))?.error).toBe('job proctor-1: quota exceeded');
    const moved = await store.transition(name, 'DECOMMISSIONING', at(2), { reason: 'decommission requested by payments-ci' });
    expect(moved.error).toBeUndefined();
    expect(moved.transitions.find((t) => t.to === 'FAILED')?.reason).toBe('job proctor-1: quota exceeded');
  });

  it('treats a repeated transition as done and refuses the ones the machine forbids', async () => {
    const { record } = await store.createRequest(newRequest({ count: 1 }));
    const name = record.vms[0]!.name;
    await store.transition(name, 'PROVISIONING', at(1), { jobName: 'proctor-1' });
    const again = await store.transition(name, 'PROVISIONING', at(2), { jobName: 'proctor-2' });
    expect(again.jobName).toBe('proctor-1');
    expect(again.transitions).toHaveLength(2);
    await store.transition(name, 'READY', at(3), { address: '10.0.0.8' });
    await expect(store.transition(name, 'FAILED', at(4), { reason: 'late' })).rejects.toMatchObject({
      type: 'InvalidVmTransition',
      message: `VM ${name} cannot go from READY to FAILED`,
    });
    await expect(store.transition('no-such-vm-001', 'READY', at(4))).rejects.toMatchObject({ type: 'VmNotFound' });
    expect((await store.getVm(name))?.status).toBe('READY');
  });

  it('lists and counts the inventory by application, environment, status, OS and stack', async () => {
    const application = `app${randomUUID().slice(0, 6)}`;
    const java = await store.createRequest(newRequest({ application, count: 2 }));
    await store.createRequest(newRequest({ application, stack: 'node', osVersion: 'debian-12', count: 3 }));
    await store.createRequest(newRequest({ application, environment: 'staging', count: 1 }));
    await store.transition(java.record.vms[0]!.name, 'PROVISIONING', at(1));

    const production = await store.listVms({ application, environment: 'production' });
    expect(production).toHaveLength(5);
    expect(production.map((vm) => vm.name)).toEqual([...production.map((vm) => vm.name)].sort());
    expect(await store.listVms({ application, status: 'PROVISIONING' })).toEqual([
      expect.objectContaining({ name: java.record.vms[0]!.name, transitions: expect.any(Array) }),
    ]);
    expect(await store.listVms({ application, osVersion: 'debian-12', limit: 2 })).toHaveLength(2);
    expect(await store.countVms({ application, environment: 'production' })).toEqual({
      total: 5,
      byStack: { java: 2, node: 3 },
      byOsVersion: { 'ubuntu-22.04': 2, 'debian-12': 3 },
      byPlatform: [
        { stack: 'java', osVersion: 'ubuntu-22.04', count: 2 },
        { stack: 'node', osVersion: 'debian-12', count: 3 },
      ],
    });
    expect((await store.countVms({ application: 'nobody-here' })).total).toBe(0);
  });

  it('reads a request back with its VMs in sequence order', async () => {
    const { record } = await store.createRequest(newRequest({ count: 2 }));
    expect(await store.getRequest(record.id)).toEqual(record);
    expect(await store.getRequest('vr-missing')).toBeUndefined();
    expect(await store.getVm('missing-vm')).toBeUndefined();
  });
});
