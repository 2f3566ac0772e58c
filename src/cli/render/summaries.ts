import type { DeploymentSummary } from '../../client/index.ts';
import type { Style } from '../style.ts';
import { colorStatus } from './deployment.ts';
import { formatDuration, formatTime } from './format.ts';
import { table } from './table.ts';

export type { DeploymentSummary };

/** `done/total`, then any bad counts: `3/4 1 failed`. */
export function hostCountsCell(counts: Record<string, number>, style: Style): string {
  const done = `${counts.DONE ?? 0}/${counts.total ?? 0}`;
  const bad = ['FAILED', 'ROLLED_BACK', 'QUARANTINED'].filter((s) => counts[s]).map((s) => `${counts[s]} ${s.toLowerCase().replace('_', ' ')}`);
  return bad.length ? `${done} ${style.red(bad.join(', '))}` : done;
}

export function deploymentTable(rows: DeploymentSummary[], style: Style): string[] {
  if (rows.length === 0) return [style.dim('no deployments')];
  return table(
    ['ID', 'APPLICATION', 'ENVIRONMENT', 'VERSION', 'STATUS', 'HOSTS', 'CREATED', 'DURATION'],
    rows.map((d) => [
      d.id,
      d.application,
      d.environment,
      d.version,
      colorStatus(d.status, style),
      hostCountsCell(d.hostCounts, style),
      formatTime(d.createdAt),
      d.durationMs === null ? '-' : formatDuration(d.durationMs),
    ]),
    style,
  );
}

/**
 * One application/environment's queue: who holds the turn, then the
 * deployments waiting, next first.
 */
export function queueLines(
  target: { application: string; environment: string },
  waiting: DeploymentSummary[],
  holder: Pick<DeploymentSummary, 'id' | 'version' | 'status'> | undefined,
  style: Style,
): string[] {
  const name = style.bold(`${target.application} → ${target.environment}`);
  const turn = holder ? `${holder.id} (${holder.version}, ${colorStatus(holder.status, style)}) holds the turn; ` : '';
  if (waiting.length === 0) return [`${name}: ${turn}no deployment waiting`];
  const rows = [...waiting].sort((a, b) => (a.queuePosition ?? Number.MAX_SAFE_INTEGER) - (b.queuePosition ?? Number.MAX_SAFE_INTEGER));
  return [
    `${name}: ${turn}${waiting.length} waiting`,
    ...table(
      ['#', 'ID', 'VERSION', 'REQUESTED BY', 'QUEUED AT'],
      rows.map((d) => [d.queuePosition === undefined ? '?' : String(d.queuePosition), d.id, d.version, d.requestedBy, formatTime(d.createdAt)]),
      style,
    ),
  ];
}
