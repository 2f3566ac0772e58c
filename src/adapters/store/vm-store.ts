import { ErrorType, VesemirError } from '../../domain/errors.ts';
import {
  canTransition,
  type NewVmRequest,
  type TransitionDetails,
  type VmCounts,
  type VmFilter,
  type VmRecord,
  type VmRequestRecord,
  type VmStatus,
  type VmStore,
  type VmTransition,
} from '../../domain/vm.ts';
import { nextVmNames, vmNamePrefix } from '../../domain/vm-naming.ts';
import type { Db } from './db.ts';
import { type Row, text } from './rows.ts';

export const DEFAULT_VM_LIST_LIMIT = 100;
export const MAX_VM_LIST_LIMIT = 1000;

/** Statuses that start a new step of the VM: its tries and last error start over. */
const NEW_STEP = "('PROVISIONING', 'DECOMMISSIONING', 'DECOMMISSIONED')";

const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/** The VM inventory on Postgres or PGlite (tables in vm-schema.ts). */
export class SqlVmStore implements VmStore {
  constructor(private readonly db: Db) {}

  async createRequest(r: NewVmRequest): Promise<{ record: VmRequestRecord; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO vm_requests (id, workflow_id, application, environment, team, stack, os_version, machine_type, count, requested_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [r.id, r.workflowId, r.application, r.environment, r.team, r.stack, r.osVersion, r.machineType, r.count, r.requestedBy, r.createdAt],
      );
      if (inserted.length === 1) {
        const prefix = vmNamePrefix(r);
        // The upsert row-locks the counter: concurrent requests for one prefix take turns.
        const [counter] = await tx.query<{ last_sequence: number }>(
          `INSERT INTO vm_name_sequences (prefix, last_sequence) VALUES ($1, $2)
           ON CONFLICT (prefix) DO UPDATE SET last_sequence = vm_name_sequences.last_sequence + excluded.last_sequence
           RETURNING last_sequence`,
          [prefix, r.count],
        );
        for (const { name, sequence } of nextVmNames(prefix, Number(counter!.last_sequence) - r.count, r.count)) {
          await tx.query(
            `INSERT INTO vms (name, request_id, application, environment, team, stack, os_version, machine_type, sequence, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'REQUESTED', $10, $10)`,
            [name, r.id, r.application, r.environment, r.team, r.stack, r.osVersion, r.machineType, sequence, r.createdAt],
          );
          await tx.query(`INSERT INTO vm_transitions (vm_name, position, from_status, to_status, at) VALUES ($1, 1, NULL, 'REQUESTED', $2)`, [
            name,
            r.createdAt,
          ]);
        }
      }
      const record = await requestOn(tx, r.id);
      return { record: record!, created: inserted.length === 1 };
    });
  }

  async transition(name: string, to: VmStatus, at: Date, details: TransitionDetails = {}): Promise<VmRecord> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query('SELECT status FROM vms WHERE name = $1 FOR UPDATE', [name]);
      if (!row) throw new VesemirError(ErrorType.VmNotFound, `VM ${name} is not in the inventory`);
      const from = row.status as VmStatus;
      if (from !== to) {
        if (!canTransition(from, to)) {
          throw new VesemirError(ErrorType.InvalidVmTransition, `VM ${name} cannot go from ${from} to ${to}`, { details: { from, to } });
        }
        // A submitted job, a decommission and its end each start a new step: the earlier tries are behind it,
        // and so is the error of the state it leaves (a FAILED VM's reason stays in its transitions): a
        // decommission's own error is then what `error` shows, never a creation's.
        await tx.query(
          `UPDATE vms SET status = $2::text, address = coalesce($3, address), job_name = coalesce($4, job_name),
             error = CASE WHEN $2::text IN ('FAILED', 'CANCELLED') THEN $5 WHEN $2::text IN ${NEW_STEP} THEN NULL ELSE error END, updated_at = $6,
             attempts = CASE WHEN $2::text IN ${NEW_STEP} THEN 0 ELSE attempts END,
             last_error = CASE WHEN $2::text IN ${NEW_STEP} THEN NULL ELSE last_error END
           WHERE name = $1`,
          [name, to, details.address, details.jobName, details.reason, at],
        );
        await tx.query(
          `INSERT INTO vm_transitions (vm_name, position, from_status, to_status, at, reason)
           SELECT $1, coalesce(max(position), 0) + 1, $2, $3, $4, $5 FROM vm_transitions WHERE vm_name = $1`,
          [name, from, to, at, details.reason],
        );
      }
      return (await vmsOn(tx, 'WHERE name = $1', [name]))[0]!;
    });
  }

  async noteAttempt(name: string, attempt: { number: number; error?: string | undefined; at: Date }): Promise<void> {
    await this.db.query(
      `UPDATE vms SET attempts = $2, last_error = coalesce($3, last_error), updated_at = $4
       WHERE name = $1 AND status IN ('REQUESTED', 'PROVISIONING', 'DECOMMISSIONING')`,
      [name, attempt.number, attempt.error, attempt.at],
    );
  }

  async setDecommissionError(name: string, error: string | undefined, at: Date): Promise<void> {
    await this.db.query(`UPDATE vms SET error = $2, last_error = coalesce($2, last_error), updated_at = $3 WHERE name = $1 AND status = 'DECOMMISSIONING'`, [
      name,
      error ?? null,
      at,
    ]);
  }

  async getVm(name: string): Promise<VmRecord | undefined> {
    return (await vmsOn(this.db, 'WHERE name = $1', [name]))[0];
  }

  async getRequest(id: string): Promise<VmRequestRecord | undefined> {
    return requestOn(this.db, id);
  }

  async listVms(filter: VmFilter): Promise<VmRecord[]> {
    const { where, params } = whereOf(filter);
    const requested = Number.isFinite(filter.limit) ? Math.trunc(filter.limit as number) : DEFAULT_VM_LIST_LIMIT;
    const limit = Math.min(Math.max(requested, 1), MAX_VM_LIST_LIMIT);
    return vmsOn(this.db, `${where} ORDER BY name LIMIT ${limit}`, params);
  }

  async countVms(filter: Omit<VmFilter, 'limit'>): Promise<VmCounts> {
    const { where, params } = whereOf(filter);
    const rows = await this.db.query<{ stack: string; os_version: string; count: number }>(
      `SELECT stack, os_version, count(*)::int AS count FROM vms ${where} GROUP BY stack, os_version ORDER BY stack, os_version`,
      params,
    );
    const counts: VmCounts = { total: 0, byStack: {}, byOsVersion: {}, byPlatform: [] };
    for (const r of rows) {
      const count = Number(r.count);
      counts.total += count;
      counts.byStack[r.stack] = (counts.byStack[r.stack] ?? 0) + count;
      counts.byOsVersion[r.os_version] = (counts.byOsVersion[r.os_version] ?? 0) + count;
      counts.byPlatform.push({ stack: r.stack, osVersion: r.os_version, count });
    }
    return counts;
  }
}

function whereOf(filter: Omit<VmFilter, 'limit'>): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const terms: string[] = [];
  const columns = { application: 'application', team: 'team', environment: 'environment', status: 'status', osVersion: 'os_version', stack: 'stack' } as const;
  for (const [key, column] of Object.entries(columns)) {
    const value = filter[key as keyof typeof columns];
    if (value !== undefined) terms.push(`${column} = $${params.push(value)}`);
  }
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}

async function requestOn(db: Db, id: string): Promise<VmRequestRecord | undefined> {
  const [r] = await db.query('SELECT * FROM vm_requests WHERE id = $1', [id]);
  if (!r) return undefined;
  return {
    id: String(r.id),
    workflowId: String(r.workflow_id),
    application: String(r.application),
    environment: String(r.environment),
    team: String(r.team),
    stack: String(r.stack),
    osVersion: String(r.os_version),
    machineType: String(r.machine_type),
    count: Number(r.count),
    requestedBy: String(r.requested_by),
    createdAt: new Date(r.created_at as Date),
    vms: await vmsOn(db, 'WHERE request_id = $1 ORDER BY sequence', [id]),
  };
}

/** VMs selected by `rest` (WHERE … ORDER BY … LIMIT), each with its transitions in order. */
async function vmsOn(db: Db, rest: string, params: unknown[]): Promise<VmRecord[]> {
  const rows = await db.query(`SELECT * FROM vms ${rest}`, params);
  if (rows.length === 0) return [];
  const names = rows.map((r) => String(r.name));
  const steps = await db.query(`SELECT * FROM vm_transitions WHERE vm_name IN (${placeholders(1, names.length)}) ORDER BY vm_name, position`, names);
  const byVm = new Map<string, VmTransition[]>(names.map((n) => [n, []]));
  for (const t of steps) {
    byVm.get(String(t.vm_name))?.push({
      from: (t.from_status as VmStatus | null) ?? null,
      to: t.to_status as VmStatus,
      at: new Date(t.at as Date),
      reason: text(t.reason),
    });
  }
  return rows.map((r) => toVm(r, byVm.get(String(r.name)) ?? []));
}

function toVm(r: Row, transitions: VmTransition[]): VmRecord {
  return {
    name: String(r.name),
    requestId: String(r.request_id),
    application: String(r.application),
    environment: String(r.environment),
    team: String(r.team),
    stack: String(r.stack),
    osVersion: String(r.os_version),
    machineType: String(r.machine_type),
    sequence: Number(r.sequence),
    status: r.status as VmStatus,
    address: text(r.address),
    jobName: text(r.job_name),
    error: text(r.error),
    attempts: Number(r.attempts ?? 0),
    lastError: text(r.last_error),
    createdAt: new Date(r.created_at as Date),
    updatedAt: new Date(r.updated_at as Date),
    transitions,
  };
}
