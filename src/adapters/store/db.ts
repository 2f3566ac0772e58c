import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrations.ts';

/**
 * The little SQL surface the store needs. Both backends speak the same
 * dialect with `$1` parameters, so every statement runs unchanged on both.
 */
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it
   * throws. Called on a transaction's `tx`, it joins the outer transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** A `postgres://` or `postgresql://` URL selects a real Postgres (pg.Pool). */
  url?: string | undefined;
  /** Where embedded PGlite keeps its files. @default in memory (gone on close) */
  dataDir?: string | undefined;
  /** Connections in the Postgres pool. @default 10 */
  poolSize?: number | undefined;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Unparseable: say nothing of it rather than risk echoing a secret.
    return '<unparseable database url>';
  }
}

/** Opens the database and brings its schema up to date. */
export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  if (options.url && !isPostgresUrl(options.url)) {
    throw new Error(`database url must start with postgres:// or postgresql:// (got ${redactUrl(options.url)})`);
  }
  const db = isPostgresUrl(options.url) ? openPostgres(options.url, options.poolSize ?? 10) : await openPglite(options.dataDir);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

// Drivers treat `undefined` differently (pg sends NULL, PGlite may reject); make it NULL for both.
function normalize(params: readonly unknown[] | undefined): unknown[] {
  return (params ?? []).map((p) => (p === undefined ? null : p));
}

function openPostgres(url: string, max: number): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection (server restart) must not crash the
  // process; the next query gets a fresh connection or a proper error.
  pool.on('error', () => undefined);
  const runOn = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) =>
    (await client.query(sql, normalize(params))).rows as T[];

  const clientDb = (client: pg.PoolClient): Db => {
    const self: Db = {
      kind: 'postgres',
      query: (sql, params) => runOn(client, sql, params),
      transaction: (fn) => fn(self),
      close: async () => undefined,
    };
    return self;
  };

  return {
    kind: 'postgres',
    query: (sql, params) => runOn(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(clientDb(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => {
          broken = rollbackErr;
        });
        throw err;
      } finally {
        // A connection that could not roll back is in an unknown state: drop it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  // PGlite also takes `memory://` and `idb://` style locations; only plain paths are directories.
  if (dataDir && !dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir);
  const run = async <T>(target: PGlite | Transaction, sql: string, params?: readonly unknown[]) => (await target.query<T>(sql, normalize(params))).rows;

  const txDb = (tx: Transaction): Db => {
    const self: Db = {
      kind: 'pglite',
      query: (sql, params) => run(tx, sql, params),
      transaction: (fn) => fn(self),
      close: async () => undefined,
    };
    return self;
  };

  return {
    kind: 'pglite',
    query: (sql, params) => run(lite, sql, params),
    transaction: (fn) => lite.transaction((tx) => fn(txDb(tx))),
    close: () => lite.close(),
  };
}
