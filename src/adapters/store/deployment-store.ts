import {
  type DeploymentFilter,
  type DeploymentRecord,
  type DeploymentStatus,
  type DeploymentStore,
  HOST_STEPS,
  type HostRecord,
  type HostStatus,
  type NewDeployment,
  ROLLBACK_STEPS,
  type StepRecord,
  type StepSummary,
  TERMINAL_DEPLOYMENT_STATUSES,
} from '../../domain/deployment.ts';
import { ErrorType, VesemirError } from '../../domain/errors.ts';
import type { Db } from './db.ts';
import { insertDeploymentRow, insertRollback } from './deployment-inserts.ts';
import { boundOutput, MAX_OUTPUT_BYTES, OUTPUT_TAIL_BYTES, outputTail, toDeployment, toStep } from './deployment-rows.ts';
import { type Row, text } from './rows.ts';

export { boundOutput, MAX_OUTPUT_BYTES, OUTPUT_TAIL_BYTES, outputTail };

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;
/** Thrown when a write names a deployment (or host) the store has never seen. */
export class DeploymentNotFoundError extends VesemirError {
  constructor(
    readonly deploymentId: string,
    readonly host?: string,
  ) {
    super(ErrorType.DeploymentNotFound, host ? `deployment ${deploymentId} has no host ${host}` : `deployment ${deploymentId} not found`);
    this.name = 'DeploymentNotFoundError';
  }
}

// Code constants, not input: safe to inline so that one statement fits both drivers.
const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const TERMINAL = sqlList(TERMINAL_DEPLOYMENT_STATUSES);
const STEP_ORDER = `array_position(ARRAY[${sqlList([...HOST_STEPS, ...ROLLBACK_STEPS])}]::text[], s.step)`;

const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

export class SqlDeploymentStore implements DeploymentStore {
  constructor(private readonly db: Db) {}

  insertDeployment(d: NewDeployment): Promise<{ created: boolean }> {
    return insertDeploymentRow(this.db, d);
  }

  insertRollback(d: NewDeployment & { rollbackOf: string }): Promise<{ linked: true } | { linked: false; rolledBackBy: string }> {
    return insertRollback(this.db, d);
  }

  /**
   * started_at is stamped by the first RUNNING only; finished_at by a terminal
   * status (the first one wins on replay) and cleared if the deployment runs
   * again. `error` is written when given and otherwise left as it was.
   */
  async setStatus(id: string, status: DeploymentStatus, at: Date, error?: string): Promise<void> {
    const rows = await this.db.query(
      `UPDATE deployments SET
         status = $2::text,
         started_at = CASE WHEN $2::text = 'RUNNING' THEN coalesce(started_at, $3::timestamptz) ELSE started_at END,
         finished_at = CASE WHEN $2::text IN (${TERMINAL}) THEN coalesce(finished_at, $3::timestamptz) ELSE NULL END,
         error = coalesce($4::text, error)
       WHERE id = $1 RETURNING id`,
      [id, status, at, error],
    );
    if (rows.length === 0) throw new DeploymentNotFoundError(id);
  }

  /** The snapshot is written once: a retried activity must not reorder or reset it. */
  async setHosts(id: string, chefQuery: string, loadBalancers: string[], hosts: HostRecord[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The conditional UPDATE also row-locks the deployment, so two racing calls serialize.
      const claimed = await tx.query(
        `UPDATE deployments SET chef_query = $2, load_balancers = $3::text::jsonb
         WHERE id = $1 AND chef_query IS NULL RETURNING id`,
        [id, chefQuery, JSON.stringify(loadBalancers)],
      );
      if (claimed.length === 0) {
        const exists = await tx.query('SELECT 1 FROM deployments WHERE id = $1', [id]);
        if (exists.length === 0) throw new DeploymentNotFoundError(id);
        return;
      }
      for (const [position, h] of hosts.entries()) {
        await tx.query(
          `INSERT INTO deployment_hosts (deployment_id, name, address, status, error, position)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, h.name, h.address, h.status, h.error, position],
        );
      }
    });
  }

  /** Sets the host's status; its error is replaced (cleared when not given). */
  async setHostStatus(id: string, host: string, status: HostStatus, error?: string, previousVersion?: string): Promise<void> {
    const rows = await this.db.query(
      `UPDATE deployment_hosts SET status = $3, error = $4, previous_version = coalesce($5::text, previous_version)
       WHERE deployment_id = $1 AND name = $2 RETURNING name`,
      [id, host, status, error, previousVersion],
    );
    if (rows.length === 0) throw new DeploymentNotFoundError(id, host);
  }

  async setHostsStatus(id: string, hosts: string[], status: HostStatus, error: string): Promise<void> {
    const rows = await this.db.query('UPDATE deployment_hosts SET status = $3, error = $4 WHERE deployment_id = $1 AND name = ANY($2::text[]) RETURNING name', [
      id,
      hosts,
      status,
      error,
    ]);
    if (rows.length < hosts.length)
      throw new DeploymentNotFoundError(
        id,
        hosts.find((h) => !rows.some((r) => r.name === h)),
      );
  }

  /** A new execution gets a new record; the same execution's later save (its end) updates its own. */
  async saveStep(s: StepRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO deployment_steps (deployment_id, host, step, attempt, status, started_at, finished_at,
         command, exit_code, stdout, stderr, error, round, execution, worker, error_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (deployment_id, host, step, round, attempt, execution) DO UPDATE SET
         status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at,
         command = excluded.command, exit_code = excluded.exit_code, stdout = excluded.stdout,
         stderr = excluded.stderr, error = excluded.error, error_type = excluded.error_type`,
      [
        s.deploymentId,
        s.host,
        s.step,
        s.attempt,
        s.status,
        s.startedAt,
        s.finishedAt,
        s.command,
        s.exitCode,
        s.stdout === undefined ? undefined : boundOutput(s.stdout),
        s.stderr === undefined ? undefined : boundOutput(s.stderr),
        s.error,
        s.round ?? 1,
        s.execution ?? '',
        s.worker,
        s.errorType,
      ],
    );
  }

  async getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    const rows = await this.db.query('SELECT * FROM deployments WHERE id = $1', [id]);
    return (await this.withHosts(rows))[0];
  }

  /** `outputTail` is the last 4 KiB of stdout followed by stderr, so the error text survives the cut. */
  async listSteps(id: string): Promise<StepSummary[]> {
    // Only the ends of the outputs leave the database: 4096 characters hold at least 4 KiB.
    const rows = await this.db.query(
      `SELECT s.deployment_id, s.host, s.step, s.round, s.attempt, s.execution, s.worker, s.status, s.started_at, s.finished_at, s.command,
         s.exit_code, s.error, s.error_type, right(s.stdout, ${OUTPUT_TAIL_BYTES}) AS stdout, right(s.stderr, ${OUTPUT_TAIL_BYTES}) AS stderr
       FROM ${this.orderedSteps()} WHERE s.deployment_id = $1 ${this.stepOrder()}`,
      [id],
    );
    return rows.map((r) => {
      const { stdout, stderr, ...rest } = toStep(r);
      return { ...rest, outputTail: outputTail(stdout, stderr) };
    });
  }

  async listDeployments(filter: DeploymentFilter): Promise<DeploymentRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.application !== undefined) where.push(`application = $${params.push(filter.application)}`);
    if (filter.environment !== undefined) where.push(`environment = $${params.push(filter.environment)}`);
    if (filter.team !== undefined) where.push(`team = $${params.push(filter.team)}`);
    if (filter.status !== undefined) {
      if (filter.status.length === 0) return [];
      where.push(`status IN (${placeholders(params.length + 1, filter.status.length)})`);
      params.push(...filter.status);
    }
    const requested = Number.isFinite(filter.limit) ? Math.trunc(filter.limit as number) : DEFAULT_LIST_LIMIT;
    const limit = Math.min(Math.max(requested, 1), MAX_LIST_LIMIT);
    const rows = await this.db.query(
      `SELECT * FROM deployments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return await this.withHosts(rows);
  }

  async countUnfinished(): Promise<Partial<Record<DeploymentStatus, number>>> {
    const rows = await this.db.query(`SELECT status, count(*) AS n FROM deployments WHERE status NOT IN (${TERMINAL}) GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
  }

  async getLogs(id: string, filter: { host?: string | undefined; step?: string | undefined }): Promise<StepRecord[]> {
    const params: unknown[] = [id];
    const host = filter.host === undefined ? '' : `AND s.host = $${params.push(filter.host)}`;
    const step = filter.step === undefined ? '' : `AND s.step = $${params.push(filter.step)}`;
    const rows = await this.db.query(`SELECT s.* FROM ${this.orderedSteps()} WHERE s.deployment_id = $1 ${host} ${step} ${this.stepOrder()}`, params);
    return rows.map(toStep);
  }

  /** Steps joined to their host so they list in snapshot order. */
  private orderedSteps(): string {
    return `deployment_steps s LEFT JOIN deployment_hosts h ON h.deployment_id = s.deployment_id AND h.name = s.host`;
  }

  private stepOrder(): string {
    return `ORDER BY h.position NULLS LAST, s.host, ${STEP_ORDER} NULLS LAST, s.step, s.round, s.started_at, s.attempt`;
  }

  private async withHosts(rows: Row[]): Promise<DeploymentRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => String(r.id));
    const hostRows = await this.db.query(
      `SELECT * FROM deployment_hosts WHERE deployment_id IN (${placeholders(1, ids.length)})
       ORDER BY deployment_id, position`,
      ids,
    );
    const hosts = new Map<string, HostRecord[]>(ids.map((id) => [id, []]));
    for (const h of hostRows) {
      hosts.get(String(h.deployment_id))?.push({
        name: String(h.name),
        address: String(h.address),
        status: h.status as HostStatus,
        error: text(h.error),
        previousVersion: text(h.previous_version),
      });
    }
    return rows.map((r) => toDeployment(r, hosts.get(String(r.id)) ?? []));
  }
}
