import type { OsCounts, RecycleProgress, RecycleRequest, RecycleStatus } from '../../domain/fleet-recycle.ts';
import type { Db } from './db.ts';
import { date, type Row, text } from './rows.ts';

/** A fleet recycle as stored: the request, and what its workflow last reported. */
export interface RecycleRecord {
  id: string;
  workflowId: string;
  application: string;
  environment: string;
  team: string;
  requestedBy: string;
  request: RecycleRequest;
  status: RecycleStatus;
  release?: string | undefined;
  batches: RecycleProgress['batches'];
  countsBefore?: OsCounts | undefined;
  countsAfter?: OsCounts | undefined;
  error?: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date | undefined;
}

export type NewRecycle = Omit<RecycleRecord, 'status' | 'batches' | 'updatedAt' | 'finishedAt'>;

export interface RecycleStore {
  /** Inserts once (QUEUED); a second call with the same id changes nothing and answers created=false. */
  insertRecycle(r: NewRecycle): Promise<{ created: boolean }>;
  /** The workflow's report, overwritten at each change; a final status sets finishedAt. */
  saveProgress(progress: RecycleProgress, at: Date): Promise<void>;
  getRecycle(id: string): Promise<RecycleRecord | undefined>;
}

export const RECYCLE_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE fleet_recycles (
    id text PRIMARY KEY,
    workflow_id text NOT NULL,
    application text NOT NULL,
    environment text NOT NULL,
    team text NOT NULL,
    requested_by text NOT NULL,
    request jsonb NOT NULL,
    status text NOT NULL,
    release text,
    batches jsonb NOT NULL DEFAULT '[]'::jsonb,
    counts_before jsonb,
    counts_after jsonb,
    error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    finished_at timestamptz
  )`,
  'CREATE INDEX fleet_recycles_app_env_idx ON fleet_recycles (application, environment, created_at DESC)',
];

const FINAL = "('SUCCEEDED', 'FAILED', 'CANCELLED')";
const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
/** pg answers jsonb parsed, PGlite too; a string (text cast) is parsed here. */
const parsed = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export class SqlRecycleStore implements RecycleStore {
  constructor(private readonly db: Db) {}

  async insertRecycle(r: NewRecycle): Promise<{ created: boolean }> {
    const rows = await this.db.query(
      `INSERT INTO fleet_recycles (id, workflow_id, application, environment, team, requested_by, request, status, counts_before, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, 'QUEUED', $8::text::jsonb, $9, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [r.id, r.workflowId, r.application, r.environment, r.team, r.requestedBy, json(r.request), json(r.countsBefore), r.createdAt],
    );
    return { created: rows.length === 1 };
  }

  async saveProgress(p: RecycleProgress, at: Date): Promise<void> {
    // A final status is never overwritten by a late report of a running one (a retried write).
    await this.db.query(
      `UPDATE fleet_recycles SET status = $2::text, release = COALESCE($3::text, release), batches = $4::text::jsonb,
         counts_before = COALESCE($5::text::jsonb, counts_before), counts_after = COALESCE($6::text::jsonb, counts_after),
         error = $7::text, updated_at = $8::timestamptz,
         finished_at = CASE WHEN $2::text IN ${FINAL} THEN $8::timestamptz ELSE NULL END
       WHERE id = $1 AND status NOT IN ${FINAL}`,
      [p.recycleId, p.status, p.release ?? null, json(p.batches), json(p.countsBefore), json(p.countsAfter), p.error ?? null, at],
    );
  }

  async getRecycle(id: string): Promise<RecycleRecord | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM fleet_recycles WHERE id = $1', [id]);
    return row ? toRecord(row) : undefined;
  }
}

function toRecord(row: Row): RecycleRecord {
  return {
    id: String(row.id),
    workflowId: String(row.workflow_id),
    application: String(row.application),
    environment: String(row.environment),
    team: String(row.team),
    requestedBy: String(row.requested_by),
    request: parsed<RecycleRequest>(row.request)!,
    status: String(row.status) as RecycleStatus,
    release: text(row.release),
    batches: parsed<RecycleProgress['batches']>(row.batches) ?? [],
    countsBefore: parsed<OsCounts>(row.counts_before),
    countsAfter: parsed<OsCounts>(row.counts_after),
    error: text(row.error),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    finishedAt: date(row.finished_at),
  };
}
