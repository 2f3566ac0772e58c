import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type Db, openDb } from '../../src/adapters/store/db.ts';
import { SqlDeploymentStore } from '../../src/adapters/store/deployment-store.ts';
import type { HostRecord, NewDeployment, StepRecord } from '../../src/domain/deployment.ts';
import { startPostgres } from '../fleet/postgres.ts';

export interface Backend {
  name: string;
  /** Returns a URL for `openDb` (undefined: PGlite in memory) and how to tear it down. */
  start(): Promise<{ url?: string; stop(): Promise<void> }>;
}

export const backends: Backend[] = [
  { name: 'PGlite in memory', start: async () => ({ stop: async () => undefined }) },
  { name: 'Postgres', start: () => startPostgres() },
];

export const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute, 0, 123));
export const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function newDeployment(overrides: Partial<NewDeployment> = {}): NewDeployment {
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

export function step(d: NewDeployment, host: string, name: StepRecord['step'], attempt = 1, round = 1): StepRecord {
  return { deploymentId: d.id, host, step: name, round, attempt, status: 'SUCCEEDED', startedAt: at(1), finishedAt: at(2) };
}

export const hosts = (...names: string[]): HostRecord[] => names.map((name, i) => ({ name, address: `10.0.0.${i + 1}`, status: 'PENDING' }));

export interface OpenStore {
  env?: Awaited<ReturnType<Backend['start']>>;
  db?: Db;
  store: SqlDeploymentStore;
}

/** Opens a store on `backend` before the calling describe's tests and closes it after. */
export function useStore(backend: Backend): OpenStore {
  const open: OpenStore = { store: undefined! };
  beforeAll(async () => {
    open.env = await backend.start();
    open.db = await openDb({ url: open.env.url });
    open.store = new SqlDeploymentStore(open.db);
  });
  afterAll(async () => {
    await open.db?.close();
    await open.env?.stop();
  });
  return open;
}
