import type { Db } from './db.ts';
import { RECYCLE_SCHEMA_STATEMENTS } from './recycle-store.ts';
import { VM_ATTEMPT_STATEMENTS, VM_DECOMMISSION_STATEMENTS, VM_SCHEMA_STATEMENTS } from './vm-schema.ts';

/**
 * One schema change. Each statement is sent on its own: the extended query
 * protocol both drivers use takes a single statement at a time.
 * Append new migrations; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'deployments, hosts and steps',
    statements: [
      `CREATE TABLE deployments (
        id text PRIMARY KEY,
        workflow_id text NOT NULL,
        application text NOT NULL,
        environment text NOT NULL,
        team text NOT NULL,
        version text NOT NULL,
        requested_by text NOT NULL,
        request jsonb NOT NULL,
        status text NOT NULL,
        chef_query text,
        load_balancers jsonb NOT NULL DEFAULT '[]'::jsonb,
        error text,
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz
      )`,
      'CREATE INDEX deployments_app_env_created_idx ON deployments (application, environment, created_at DESC)',
      'CREATE INDEX deployments_status_idx ON deployments (status)',
      `CREATE TABLE deployment_hosts (
        deployment_id text NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        name text NOT NULL,
        address text NOT NULL,
        status text NOT NULL,
        error text,
        position integer NOT NULL,
        PRIMARY KEY (deployment_id, name)
      )`,
      `CREATE TABLE deployment_steps (
        deployment_id text NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        host text NOT NULL,
        step text NOT NULL,
        attempt integer NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        command text,
        exit_code integer,
        stdout text,
        stderr text,
        error text,
        PRIMARY KEY (deployment_id, host, step, attempt)
      )`,
    ],
  },
  {
    version: 2,
    name: 'step rounds: a retried host keeps the attempts of its earlier rounds',
    statements: [
      'ALTER TABLE deployment_steps ADD COLUMN round integer NOT NULL DEFAULT 1',
      'ALTER TABLE deployment_steps DROP CONSTRAINT deployment_steps_pkey',
      'ALTER TABLE deployment_steps ADD PRIMARY KEY (deployment_id, host, step, round, attempt)',
    ],
  },
  { version: 3, name: 'vm inventory', statements: VM_SCHEMA_STATEMENTS },
  {
    version: 4,
    name: 'step records are append-only: one per execution, with the worker that ran it',
    statements: [
      "ALTER TABLE deployment_steps ADD COLUMN execution text NOT NULL DEFAULT ''",
      'ALTER TABLE deployment_steps ADD COLUMN worker text',
      'ALTER TABLE deployment_steps DROP CONSTRAINT deployment_steps_pkey',
      'ALTER TABLE deployment_steps ADD PRIMARY KEY (deployment_id, host, step, round, attempt, execution)',
    ],
  },
  { version: 5, name: 'vm attempts: the tries of the step in progress and their last error', statements: VM_ATTEMPT_STATEMENTS },
  {
    version: 6,
    name: "a failed step's error type, for its runbook link",
    statements: ['ALTER TABLE deployment_steps ADD COLUMN error_type text'],
  },
  {
    version: 7,
    name: 'rollbacks of finished deploys: the links both ways, the reason, each host previous release',
    statements: [
      'ALTER TABLE deployments ADD COLUMN rollback_of text',
      'ALTER TABLE deployments ADD COLUMN rolled_back_by text',
      'ALTER TABLE deployments ADD COLUMN rollback_reason text',
      'ALTER TABLE deployment_hosts ADD COLUMN previous_version text',
    ],
  },
  { version: 8, name: 'vm decommissioning: DECOMMISSIONING and DECOMMISSIONED, counted by status', statements: VM_DECOMMISSION_STATEMENTS },
  { version: 9, name: 'fleet recycles: the request, its status, batches and OS counts', statements: RECYCLE_SCHEMA_STATEMENTS },
];

/**
 * Serializes migrators across processes sharing one Postgres. A transaction
 * lock rather than a session lock: it is released by COMMIT/ROLLBACK, so it
 * cannot outlive a crashed migration on a pooled connection.
 */
const MIGRATION_LOCK_KEY = 0x76_65_73_65; // 'vese'

/**
 * Applies the pending migrations in one transaction (Postgres DDL is
 * transactional: a failed step leaves the schema as it was).
 * @returns the versions applied by this call
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return await db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
