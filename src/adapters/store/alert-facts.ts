import type { Db } from './db.ts';

/**
 * The alerts' gauges, read at each scrape (src/metrics/store-gauges.ts). A
 * host's latest deploy is the latest one that touched it (PENDING and
 * SKIPPED did not), so a retry or a later deploy that puts it back clears
 * its quarantine. Only the latest execution of a step counts: an attempt
 * whose worker died stays RUNNING in its record while its retry runs.
 * (Shaped as src/metrics' AlertFacts, which the store does not import.)
 */
export class SqlAlertFacts {
  constructor(private readonly db: Db) {}

  async quarantinedHosts(): Promise<{ application: string; environment: string; hosts: number }[]> {
    const rows = await this.db.query(
      `SELECT application, environment, count(*) AS n FROM (
         SELECT DISTINCT ON (d.application, d.environment, h.name) d.application, d.environment, h.status
         FROM deployment_hosts h JOIN deployments d ON d.id = h.deployment_id
         WHERE h.status NOT IN ('PENDING', 'SKIPPED')
         ORDER BY d.application, d.environment, h.name, d.created_at DESC, d.id DESC
       ) latest WHERE status = 'QUARANTINED' GROUP BY application, environment`,
    );
    return rows.map((r) => ({ application: String(r.application), environment: String(r.environment), hosts: Number(r.n) }));
  }

  async oldestQueuedSeconds(): Promise<number | undefined> {
    const rows = await this.db.query(`SELECT extract(epoch FROM now() - min(created_at)) AS s FROM deployments WHERE status = 'QUEUED'`);
    const seconds = rows[0]?.s;
    return seconds === null || seconds === undefined ? undefined : Number(seconds);
  }

  async runningStepSeconds(): Promise<{ step: string; seconds: number }[]> {
    const rows = await this.db.query(
      `SELECT step, max(extract(epoch FROM now() - started_at)) AS s FROM (
         SELECT DISTINCT ON (s.deployment_id, s.host, s.step) s.step, s.status, s.started_at
         FROM deployment_steps s
         JOIN deployments d ON d.id = s.deployment_id AND d.status = 'RUNNING'
         JOIN deployment_hosts h ON h.deployment_id = s.deployment_id AND h.name = s.host AND h.status = 'RUNNING'
         ORDER BY s.deployment_id, s.host, s.step, s.round DESC, s.attempt DESC, s.started_at DESC
       ) latest WHERE status = 'RUNNING' GROUP BY step`,
    );
    return rows.map((r) => ({ step: String(r.step), seconds: Number(r.s) }));
  }
}
