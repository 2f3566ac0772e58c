import { TERMINAL_DEPLOYMENT_STATUSES } from '../../domain/deployment.ts';
import type { Style } from '../style.ts';
import { withBake } from './bake.ts';
import { colorStatus, type Deployment, type Step } from './deployment.ts';
import { elapsed, firstLine, formatDuration } from './format.ts';

const key = (host: string, step: string) => `${host}/${step}`;

function stepLine(host: string, step: Step, style: Style): string {
  const attempt = step.attempts > 1 ? ` (attempt ${step.attempts})` : '';
  if (step.status === 'RUNNING') return `${host}  ${step.name}${attempt} started`;
  const took = formatDuration(elapsed(step.startedAt, step.finishedAt, Date.parse(step.startedAt)) ?? 0);
  if (step.status === 'SUCCEEDED') return `${host}  ${step.name}${attempt} ${style.green('ok')} ${took}`;
  return `${host}  ${step.name}${attempt} ${style.red(step.status)} ${took}: ${firstLine(step.error ?? '')}`;
}

/**
 * What changed between two snapshots of a deployment, as lines to append:
 * the log-like view of --follow when stdout is not a terminal. `prev`
 * undefined means everything in `next` is new.
 */
export function progressEvents(prevView: Deployment | undefined, nextView: Deployment, style: Style): string[] {
  const prev = prevView && withBake(prevView);
  const next = withBake(nextView);
  const lines: string[] = [];
  const status = !prev || prev.status !== next.status ? `deployment ${colorStatus(next.status, style)}` : undefined;
  // A deploy's end comes after the host lines the same poll brought (its last hosts' steps); any other status before them.
  const ended = (TERMINAL_DEPLOYMENT_STATUSES as readonly string[]).includes(next.status);
  if (status && !ended) lines.push(status);
  if ((!prev || prev.hosts.length === 0) && next.hosts.length > 0) {
    lines.push(`hosts: ${next.hosts.map((h) => h.name).join(', ')}`);
  }
  const before = new Map<string, Step>();
  const hostBefore = new Map<string, string>();
  for (const h of prev?.hosts ?? []) {
    hostBefore.set(h.name, h.status);
    for (const s of h.steps) before.set(key(h.name, s.name), s);
  }
  for (const h of next.hosts) {
    for (const s of h.steps) {
      const old = before.get(key(h.name, s.name));
      if (old && old.status === s.status && old.attempts === s.attempts) continue;
      // A step that started and finished between two polls shows only as finished.
      lines.push(stepLine(h.name, s, style));
    }
    const was = hostBefore.get(h.name);
    if (was !== h.status && h.status !== 'PENDING' && h.status !== 'RUNNING') lines.push(`${h.name}  ${colorStatus(h.status, style)}`);
  }
  if (status && ended) lines.push(status);
  return lines;
}
