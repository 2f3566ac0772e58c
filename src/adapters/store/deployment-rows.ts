import type { DeploymentRecord, DeploymentStatus, HostRecord, StepRecord } from '../../domain/deployment.ts';
import { date, type Row, text } from './rows.ts';

/** Per step and per stream: a chatty command must not fill the database. */
export const MAX_OUTPUT_BYTES = 64 * 1024;
export const OUTPUT_TAIL_BYTES = 4 * 1024;

/** Database rows of deployments and steps as domain records; outputs bounded on the way in. */
export function toDeployment(r: Row, hosts: HostRecord[]): DeploymentRecord {
  return {
    id: String(r.id),
    workflowId: String(r.workflow_id),
    application: String(r.application),
    environment: String(r.environment),
    team: String(r.team),
    version: String(r.version),
    requestedBy: String(r.requested_by),
    request: r.request,
    status: r.status as DeploymentStatus,
    createdAt: date(r.created_at) as Date,
    chefQuery: text(r.chef_query),
    loadBalancers: (r.load_balancers as string[] | null) ?? [],
    hosts,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    error: text(r.error),
    rollbackOf: text(r.rollback_of),
    rolledBackBy: text(r.rolled_back_by),
    rollbackReason: text(r.rollback_reason),
  };
}

export function toStep(r: Row): StepRecord {
  return {
    deploymentId: String(r.deployment_id),
    host: String(r.host),
    step: r.step as StepRecord['step'],
    round: r.round === null || r.round === undefined ? 1 : Number(r.round),
    attempt: Number(r.attempt),
    execution: text(r.execution) || undefined,
    worker: text(r.worker),
    status: r.status as StepRecord['status'],
    startedAt: date(r.started_at) as Date,
    finishedAt: date(r.finished_at),
    command: text(r.command),
    exitCode: r.exit_code === null || r.exit_code === undefined ? undefined : Number(r.exit_code),
    stdout: text(r.stdout),
    stderr: text(r.stderr),
    error: text(r.error),
    errorType: text(r.error_type),
  };
}

/** The last `max` UTF-8 bytes of `s`, cut on a character boundary. */
function lastBytes(s: string, max: number): { kept: string; dropped: number } {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return { kept: s, dropped: 0 };
  let start = buf.length - max;
  while (start < buf.length && ((buf[start] ?? 0) & 0xc0) === 0x80) start++;
  return { kept: buf.subarray(start).toString('utf8'), dropped: start };
}

/** Keeps the end of an output (where the failure is) and says how much was cut. */
export function boundOutput(output: string): string {
  // Postgres text cannot hold NUL bytes.
  const { kept, dropped } = lastBytes(output.replaceAll('\u0000', '\uFFFD'), MAX_OUTPUT_BYTES);
  return dropped === 0 ? kept : `…[truncated ${dropped} bytes]\n${kept}`;
}

/** The last 4 KiB of stdout followed by stderr. */
export function outputTail(stdout: string | undefined, stderr: string | undefined): string {
  const out = stdout ?? '';
  const err = stderr ?? '';
  const separator = out && err && !out.endsWith('\n') ? '\n' : '';
  return lastBytes(out + separator + err, OUTPUT_TAIL_BYTES).kept;
}
