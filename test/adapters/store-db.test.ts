import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, redactUrl } from '../../src/adapters/store/db.ts';
import { SqlDeploymentStore } from '../../src/adapters/store/deployment-store.ts';
import { MIGRATIONS, migrate } from '../../src/adapters/store/migrations.ts';
import { at, backends, newDeployment, useStore } from './store-fixtures.ts';

describe.each(backends)('SqlDeploymentStore on $name', (backend) => {
  const open = useStore(backend);

  it('opens the backend it was asked for', () => {
    expect(open.db?.kind).toBe(open.env?.url ? 'postgres' : 'pglite');
  });

  it('runs migrations again without error or change', async () => {
    if (!open.db) throw new Error('no database');
    expect(await migrate(open.db)).toEqual([]);
    const rows = await open.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    if (!open.env?.url) return;
    // Several processes starting together against one empty Postgres database.
    await open.db.query('CREATE DATABASE race');
    const url = open.env.url.replace(/\/vesemir$/, '/race');
    const opened = await Promise.allSettled([1, 2, 3, 4].map(() => openDb({ url })));
    await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
    expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('rolls a transaction back when its function throws', async () => {
    if (!open.db) throw new Error('no database');
    const d = newDeployment();
    await expect(
      open.db.transaction(async (tx) => {
        await new SqlDeploymentStore(tx).insertDeployment(d);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await open.store.getDeployment(d.id)).toBeUndefined();
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
