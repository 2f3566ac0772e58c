import type { NewDeployment } from '../../domain/deployment.ts';
import { ErrorType, VesemirError } from '../../domain/errors.ts';
import type { Db } from './db.ts';
import { text } from './rows.ts';

/** Inserts once; a second call with the same id changes nothing and answers created=false. */
export async function insertDeploymentRow(db: Db, d: NewDeployment): Promise<{ created: boolean }> {
  const rows = await db.query(
    `INSERT INTO deployments (id, workflow_id, application, environment, team, version, requested_by, request, status, created_at,
       rollback_of, rollback_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      d.id,
      d.workflowId,
      d.application,
      d.environment,
      d.team,
      d.version,
      d.requestedBy,
      JSON.stringify(d.request ?? null),
      d.status,
      d.createdAt,
      d.rollbackOf,
      d.rollbackReason,
    ],
  );
  return { created: rows.length === 1 };
}

/**
 * Inserts a rollback and links it from the original in one transaction;
 * refused while the original's linked rollback is neither FAILED nor CANCELLED.
 */
export async function insertRollback(db: Db, d: NewDeployment & { rollbackOf: string }): Promise<{ linked: true } | { linked: false; rolledBackBy: string }> {
  return await db.transaction(async (tx) => {
    // The row lock serializes two rollbacks of one deploy; the next statement sees the winner's rows.
    const locked = await tx.query('SELECT rolled_back_by FROM deployments WHERE id = $1 FOR UPDATE', [d.rollbackOf]);
    if (locked.length === 0) throw new VesemirError(ErrorType.DeploymentNotFound, `deployment ${d.rollbackOf} not found`);
    const holder = text(locked[0]!.rolled_back_by);
    if (holder) {
      const live = await tx.query(`SELECT 1 FROM deployments WHERE id = $1 AND status NOT IN ('FAILED', 'CANCELLED')`, [holder]);
      if (live.length > 0) return { linked: false, rolledBackBy: holder };
    }
    await insertDeploymentRow(tx, d);
    await tx.query('UPDATE deployments SET rolled_back_by = $2 WHERE id = $1', [d.rollbackOf, d.id]);
    return { linked: true };
  });
}
