import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb, redactUrl } from '../../src/adapters/store/db.ts';
import { DeploymentNotFoundError, MAX_OUTPUT_BYTES, OUTPUT_TAIL_BYTES, SqlDeploymentStore } from '../../src/adapters/store/deployment-store.ts';
import { MIGRATIONS, migrate } from '../../src/adapters/store/migrations.ts';
import type { HostRecord, NewDeployment, StepRecord } from '../../src/domain/deployment.ts';
import { startPostgres } from '../fleet/postgres.ts';

interface Backend {
  name: string;
  /** Returns a URL for `openDb` (undefined: PGlite in memory) and how to tear it down. */
  start(): Promise<{ url?: string; stop(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'PGlite in memory', start: async () => ({ stop: async () => undefined }) },
  { name: 'Postgres', start: () => startPostgres() },
];

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute, 0, 123));
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function newDeployment(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    id: `dep-${randomUUID()}`,
    workflowId: `deploy-${randomUUID()}`,
    application: `app-${randomUUID().slice(0, 8)}`,
    environment: 'production',
    team: 'payments',
    version: '1.2.3',
    requestedBy: 'alice',
    request: { concurrency: 2, tags: ['web'] },
    status: 'QUEUED',
    createdAt: at(0),
    ...overrides,
  };
}

function step(d: NewDeployment, host: string, name: StepRecord['step'], attempt = 1, round = 1): StepRecord {
  return { deploymentId: d.id, host, step: name, round, attempt, status: 'SUCCEEDED', startedAt: at(1), finishedAt: at(2) };
}

const hosts = (...names: string[]): HostRecord[] => names.map((name, i) => ({ name, address: `10.0.0.${i + 1}`, status: 'PENDING' }));

describe.each(backends)('SqlDeploymentStore on $name', (backend) => {
  let env: Awaited<ReturnType<Backend['start']>> | undefined;
  let db: Db | undefined;
  let store: SqlDeploymentStore;

  beforeAll(async () => {
    env = await backend.start();
    db = await openDb({ url: env.url });
    store = new SqlDeploymentStore(db);
  });
  afterAll(async () => {
    await db?.close();
    await env?.stop();
  });

  it('opens the backend it was asked for', () => {
    expect(db?.kind).toBe(env?.url ? 'postgres' : 'pglite');
  });

  it('inserts a deployment once and reads it back with Dates', async () => {
    const d = newDeployment();
    expect(await store.insertDeployment(d)).toEqual({ created: true });
    expect(await store.insertDeployment({ ...d, version: '9.9.9' })).toEqual({ created: false });
    const read = await store.getDeployment(d.id);
    expect(read).toMatchObject({ ...d, loadBalancers: [], hosts: [] });
    expect(read?.createdAt).toBeInstanceOf(Date);
    expect(read?.startedAt).toBeUndefined();
    expect(await store.getDeployment('no-such-deployment')).toBeUndefined();
  });

  it('stamps started_at on the first RUNNING and finished_at on a terminal status', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    await store.setStatus(d.id, 'RUNNING', at(1));
    await store.setStatus(d.id, 'PAUSED', at(2));
    await store.setStatus(d.id, 'RUNNING', at(3));
    let read = await store.getDeployment(d.id);
    expect(read).toMatchObject({ status: 'RUNNING', startedAt: at(1), finishedAt: undefined });

    await store.setStatus(d.id, 'FAILED', at(4), 'host web-1 failed health');
    await store.setStatus(d.id, 'FAILED', at(5)); // a replayed activity
    read = await store.getDeployment(d.id);
    expect(read).toMatchObject({ status: 'FAILED', startedAt: at(1), finishedAt: at(4) });
    expect(read?.finishedAt).toBeInstanceOf(Date);
    expect(read?.error).toBe('host web-1 failed health');

    await expect(store.setStatus('missing', 'RUNNING', at(1))).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });

  it('records the host snapshot once: a retry neither reorders nor resets it', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    await store.setHosts(d.id, 'tags:web AND chef_environment:production', ['lb-1'], hosts('web-b', 'web-a'));
    await store.setHostStatus(d.id, 'web-b', 'FAILED', 'health timed out');
    await store.setHosts(d.id, 'something else', ['lb-2'], hosts('web-a', 'web-b', 'web-c'));

    const read = await store.getDeployment(d.id);
    expect(read?.chefQuery).toBe('tags:web AND chef_environment:production');
    expect(read?.loadBalancers).toEqual(['lb-1']);
    expect(read?.hosts).toEqual([
      { name: 'web-b', address: '10.0.0.1', status: 'FAILED', error: 'health timed out' },
      { name: 'web-a', address: '10.0.0.2', status: 'PENDING', error: undefined },
    ]);
    await expect(store.setHostStatus(d.id, 'web-z', 'DONE')).rejects.toBeInstanceOf(DeploymentNotFoundError);
    await expect(store.setHosts('missing', 'q', [], [])).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });

  it('lets exactly one of two racing setHosts calls write the snapshot', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    await Promise.all([store.setHosts(d.id, 'q1', [], hosts('a', 'b', 'c')), store.setHosts(d.id, 'q2', [], hosts('c', 'b', 'a'))]);
    const read = await store.getDeployment(d.id);
    const expected = read?.chefQuery === 'q1' ? ['a', 'b', 'c'] : ['c', 'b', 'a'];
    expect(read?.hosts.map((h) => h.name)).toEqual(expected);
  });

  it('upserts a step attempt by its key and keeps attempts apart', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    const first: StepRecord = { ...step(d, 'web-1', 'health'), status: 'RUNNING', finishedAt: undefined };
    await store.saveStep(first);
    await store.saveStep({ ...first, status: 'FAILED', finishedAt: at(3), exitCode: 7, error: 'HTTP 503' });
    await store.saveStep({ ...step(d, 'web-1', 'health', 2), command: 'curl -f http://10.0.0.1/health' });

    const steps = await store.listSteps(d.id);
    expect(steps).toEqual([
      { ...first, status: 'FAILED', finishedAt: at(3), exitCode: 7, error: 'HTTP 503', command: undefined, outputTail: '' },
      { ...step(d, 'web-1', 'health', 2), command: 'curl -f http://10.0.0.1/health', exitCode: undefined, error: undefined, outputTail: '' },
    ]);
    expect(steps[0]?.startedAt).toBeInstanceOf(Date);
  });

  it('keeps the attempts of a retried host apart by round', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    await store.saveStep({ ...step(d, 'web-1', 'health', 1, 1), status: 'FAILED', error: 'HTTP 500' });
    await store.saveStep(step(d, 'web-1', 'health', 1, 2));
    const steps = await store.listSteps(d.id);
    expect(steps.map((s) => [s.round, s.attempt, s.status])).toEqual([
      [1, 1, 'FAILED'],
      [2, 1, 'SUCCEEDED'],
    ]);
  });

  it('keeps the last 64 KiB of each output with a marker, and a 4 KiB tail', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    const line = (i: number) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(49)}\n`; // 64 bytes
    const stdout = Array.from({ length: 3200 }, (_, i) => line(i)).join(''); // 200 KiB
    const stderr = '€'.repeat(30_000); // 3-byte characters: the cut must not split one
    await store.saveStep({ ...step(d, 'web-1', 'restart'), stdout, stderr: `${stderr}\nrestart failed\n` });

    const [logged] = await store.getLogs(d.id, {});
    const dropped = bytes(stdout) - MAX_OUTPUT_BYTES;
    const marker = `…[truncated ${dropped} bytes]\n`;
    expect(logged?.stdout?.startsWith(marker)).toBe(true);
    expect(logged?.stdout?.slice(marker.length)).toBe(stdout.slice(-MAX_OUTPUT_BYTES));
    expect(logged?.stdout?.endsWith(line(3199))).toBe(true);

    const keptErr = logged?.stderr?.replace(/^…\[truncated (\d+) bytes\]\n/, '') ?? '';
    expect(bytes(keptErr)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(keptErr).toMatch(/^€+\nrestart failed\n$/);
    const droppedErr = Number(/^…\[truncated (\d+) bytes\]/.exec(logged?.stderr ?? '')?.[1]);
    expect(droppedErr + bytes(keptErr)).toBe(bytes(`${stderr}\nrestart failed\n`));

    const [summary] = await store.listSteps(d.id);
    expect(summary).not.toHaveProperty('stdout');
    expect(bytes(summary?.outputTail ?? '')).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
    expect(bytes(summary?.outputTail ?? '')).toBeGreaterThan(OUTPUT_TAIL_BYTES - 3);
    expect(summary?.outputTail).toMatch(/^€+\nrestart failed\n$/);
  });

  it('puts stdout before stderr in the tail', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    await store.saveStep({ ...step(d, 'web-1', 'activate'), stdout: 'switched', stderr: 'warning: slow disk\n' });
    expect((await store.listSteps(d.id))[0]?.outputTail).toBe('switched\nwarning: slow disk\n');
  });

  it('lists deployments newest first, filtered, with hosts, 50 by default', async () => {
    const application = `list-${randomUUID().slice(0, 8)}`;
    const old = newDeployment({ application, environment: 'staging', createdAt: at(1) });
    const mid = newDeployment({ application, environment: 'production', createdAt: at(2) });
    const recent = newDeployment({ application, environment: 'production', createdAt: at(3) });
    for (const d of [mid, recent, old]) await store.insertDeployment(d);
    await store.insertDeployment(newDeployment({ environment: 'production', createdAt: at(4) }));
    await store.setStatus(recent.id, 'SUCCEEDED', at(5));
    await store.setHosts(mid.id, 'q', ['lb'], hosts('web-2', 'web-1'));

    const ids = async (filter: Parameters<SqlDeploymentStore['listDeployments']>[0]) => (await store.listDeployments(filter)).map((d) => d.id);
    expect(await ids({ application })).toEqual([recent.id, mid.id, old.id]);
    expect(await ids({ application, environment: 'production' })).toEqual([recent.id, mid.id]);
    expect(await ids({ application, status: ['QUEUED'] })).toEqual([mid.id, old.id]);
    expect(await ids({ application, status: ['SUCCEEDED', 'FAILED'] })).toEqual([recent.id]);
    expect(await ids({ application, status: [] })).toEqual([]);
    expect(await ids({ application, limit: 1 })).toEqual([recent.id]);
    const listed = await store.listDeployments({ application, environment: 'production' });
    expect(listed[1]?.hosts.map((h) => h.name)).toEqual(['web-2', 'web-1']);
    expect(listed[0]?.finishedAt).toEqual(at(5));

    const many = `many-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 55; i++) await store.insertDeployment(newDeployment({ application: many, createdAt: at(i) }));
    expect(await store.listDeployments({ application: many })).toHaveLength(50);
    expect(await store.listDeployments({ application: many, limit: 10_000 })).toHaveLength(55);
    expect(await store.listDeployments({ application: many, limit: Number.NaN })).toHaveLength(50);
  });

  it('returns logs in host order, step order, attempt order, filtered by host and step', async () => {
    const d = newDeployment();
    await store.insertDeployment(d);
    await store.setHosts(d.id, 'q', [], hosts('web-2', 'web-1'));
    const saved = [
      step(d, 'web-1', 'health'),
      step(d, 'web-2', 'drain', 2),
      step(d, 'web-2', 'rollback-activate'),
      step(d, 'web-2', 'drain', 1),
      step(d, 'web-2', 'stage'),
      step(d, 'web-1', 'stage'),
    ];
    for (const s of saved) await store.saveStep({ ...s, stdout: `${s.host} ${s.step} ${s.attempt}` });

    const keys = (records: StepRecord[]) => records.map((r) => `${r.host}/${r.step}/${r.attempt}`);
    expect(keys(await store.getLogs(d.id, {}))).toEqual([
      'web-2/stage/1',
      'web-2/drain/1',
      'web-2/drain/2',
      'web-2/rollback-activate/1',
      'web-1/stage/1',
      'web-1/health/1',
    ]);
    expect(keys(await store.getLogs(d.id, { host: 'web-1' }))).toEqual(['web-1/stage/1', 'web-1/health/1']);
    expect(keys(await store.getLogs(d.id, { step: 'drain' }))).toEqual(['web-2/drain/1', 'web-2/drain/2']);
    const [one] = await store.getLogs(d.id, { host: 'web-2', step: 'stage' });
    expect(one).toMatchObject({ stdout: 'web-2 stage 1', startedAt: at(1), finishedAt: at(2) });
    expect(await store.getLogs(d.id, { host: 'web-9' })).toEqual([]);
  });

  it('runs migrations again without error or change', async () => {
    if (!db) throw new Error('no database');
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    if (!env?.url) return;
    // Several processes starting together against one empty Postgres database.
    await db.query('CREATE DATABASE race');
    const url = env.url.replace(/\/vesemir$/, '/race');
    const opened = await Promise.allSettled([1, 2, 3, 4].map(() => openDb({ url })));
    await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
    expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('rolls a transaction back when its function throws', async () => {
    if (!db) throw new Error('no database');
    const d = newDeployment();
    await expect(
      db.transaction(async (tx) => {
        await new SqlDeploymentStore(tx).insertDeployment(d);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.getDeployment(d.id)).toBeUndefined();
  });
});

describe('PGlite persisted in a dataDir', () => {
  let dataDir = '';
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vesemir-pglite-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps deployments across close and reopen', async () => {
    const d = newDeployment();
    const first = await openDb({ dataDir });
    await new SqlDeploymentStore(first).insertDeployment(d);
    await first.close();

    const second = await openDb({ dataDir });
    try {
      expect(await new SqlDeploymentStore(second).getDeployment(d.id)).toMatchObject({ id: d.id, createdAt: at(0) });
      expect(await migrate(second)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://vesemir:s3cret@db.internal:5432/vesemir')).toBe('postgres://vesemir:***@db.internal:5432/vesemir');
    expect(redactUrl('not a url s3cret')).not.toContain('s3cret');
  });

  it('is used when openDb refuses a URL that is not Postgres', async () => {
    const refused = openDb({ url: 'mysql://root:s3cret@db/vesemir' });
    await expect(refused).rejects.toThrow('mysql://root:***@db/vesemir');
  });
});
