import type { Deployment, Host, Step } from '../../client/index.ts';
import { failingStep, HOST_STEPS, ROLLBACK_STEPS } from '../../domain/deployment.ts';
import { pad, type Style, visibleLength } from '../style.ts';
import { bakeProgress, bakeSeconds, withBake } from './bake.ts';
import { elapsed, firstLine, formatDuration, tail } from './format.ts';
import { provisioningLine, provisioningSummary } from './provisioning.ts';

export type { Deployment, Host, Step };

export interface ViewOptions {
  style: Style;
  /** Wall clock for running durations. */
  now: number;
  /** Animation frame; undefined draws a still picture (status, pipes). */
  tick?: number | undefined;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export { isTerminalDeployment as isTerminal } from '../../client/index.ts';

export function colorStatus(status: string, style: Style): string {
  if (status === 'SUCCEEDED' || status === 'DONE' || status === 'READY') return style.green(status);
  if (status === 'FAILED' || status === 'QUARANTINED' || status === 'CANCELLED') return style.red(status);
  if (status === 'ROLLED_BACK' || status === 'PAUSED' || status === 'WAITING_APPROVAL') return style.yellow(status);
  if (status === 'RUNNING' || status === 'PROVISIONING') return style.cyan(status);
  return style.dim(status);
}

/**
 * The host steps this deployment runs: `bake` only shows once a host has baked
 * (degradation > 0), `inspect` once a host recorded it (deployments from
 * before that step have none).
 */
export function plannedSteps(d: Deployment): string[] {
  const seen = (name: string) => d.hosts.some((h) => h.steps.some((s) => s.name === name));
  return HOST_STEPS.filter((s) => (s !== 'bake' || seen('bake')) && (s !== 'inspect' || seen('inspect')));
}

/** The step a host is at: the one started last. */
export function currentStep(host: Host): Step | undefined {
  return host.steps.reduce<Step | undefined>((cur, s) => (!cur || Date.parse(s.startedAt) >= Date.parse(cur.startedAt) ? s : cur), undefined);
}

/** A step's error without the step or host name in front of it: the row already says both. */
export function stepError(step: Step, host: Host): string {
  let error = firstLine(step.error ?? host.error ?? 'no error recorded');
  for (const prefix of [`${step.name}: `, `${host.name}: `]) if (error.startsWith(prefix)) error = error.slice(prefix.length);
  return error;
}

/** The step that made a host fail: the first failed deploy step, else any failed step. */
export const failedStep = (host: Host): Step | undefined => failingStep(host.steps);

function stepMark(step: Step | undefined, style: Style, spin: string): string {
  if (!step) return style.dim('·');
  if (step.status === 'SUCCEEDED') return style.green('■');
  if (step.status === 'FAILED') return style.red('✗');
  return style.cyan(spin);
}

/** One mark per planned step, then the rollback steps if the host was rolled back. */
export function stepBar(host: Host, planned: string[], style: Style, spin = '▸'): string {
  const find = (name: string) => host.steps.find((s) => s.name === name);
  const marks = planned.map((name) => stepMark(find(name), style, spin)).join('');
  const rollback = ROLLBACK_STEPS.filter((name) => find(name));
  return rollback.length ? `${marks} ${style.yellow('↺')}${rollback.map((n) => stepMark(find(n), style, spin)).join('')}` : marks;
}

function hostActivity(host: Host, opts: ViewOptions, bake: number): string {
  const { style, now } = opts;
  const step = currentStep(host);
  if (!step) return style.dim(host.status === 'SKIPPED' ? 'skipped' : 'waiting');
  // Found in maintenance: inspected, then left alone.
  if (host.status === 'SKIPPED') return style.dim(`skipped: ${host.error ?? 'no reason recorded'}`);
  const failed = failedStep(host);
  if (host.status !== 'RUNNING' && failed) return style.red(`${failed.name} failed: ${stepError(failed, host)}`);
  const took = formatDuration(elapsed(step.startedAt, step.finishedAt, now) ?? 0);
  const attempt = step.attempts > 1 ? style.yellow(` (attempt ${step.attempts})`) : '';
  if (step.status === 'RUNNING') return step.name === 'bake' ? bakeProgress(step, bake, now) : `${step.name} ${took}${attempt}`;
  return style.dim(`${step.name} ${step.status === 'SUCCEEDED' ? 'ok' : step.status.toLowerCase()} ${took}`) + attempt;
}

/** How long a host has been at it: first step start to last step end (or now while running). */
export function hostDuration(host: Host, now: number): number | undefined {
  const first = host.steps.reduce<string | undefined>((m, s) => (!m || s.startedAt < m ? s.startedAt : m), undefined);
  if (!first) return undefined;
  const running = host.steps.some((s) => !s.finishedAt);
  const last = host.steps.reduce((m, s) => (s.finishedAt && s.finishedAt > m ? s.finishedAt : m), first);
  return elapsed(first, running ? null : last, now);
}

export function hostRows(d: Deployment, opts: ViewOptions): string[] {
  const planned = plannedSteps(d);
  const spin = opts.tick === undefined ? '▸' : (SPINNER[opts.tick % SPINNER.length] ?? '▸');
  const nameWidth = Math.max(4, ...d.hosts.map((h) => h.name.length));
  const bars = d.hosts.map((h) => stepBar(h, planned, opts.style, spin));
  const barWidth = Math.max(0, ...bars.map(visibleLength));
  return d.hosts.map((h, i) => {
    const took = hostDuration(h, opts.now);
    const cols = [
      h.name.padEnd(nameWidth),
      pad(colorStatus(h.status, opts.style), 11),
      pad(bars[i] ?? '', barWidth),
      (took === undefined ? '' : formatDuration(took)).padStart(7),
      hostActivity(h, opts, bakeSeconds(d)),
    ];
    return `  ${cols.join('  ')}`;
  });
}

export function headerLine(d: Deployment, opts: ViewOptions): string {
  const took = d.durationMs ?? elapsed(d.startedAt ?? d.createdAt, d.finishedAt, opts.now);
  const counts = new Map<string, number>();
  for (const h of d.hosts) counts.set(h.status, (counts.get(h.status) ?? 0) + 1);
  const summary =
    d.status === 'QUEUED'
      ? queueSummary(d)
      : d.status === 'PROVISIONING' && d.provisioning
        ? provisioningSummary(d.provisioning)
        : d.hosts.length
          ? `${counts.get('DONE') ?? 0}/${d.hosts.length} hosts done`
          : 'discovering hosts';
  const bad = ['FAILED', 'ROLLED_BACK', 'QUARANTINED'].filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s.toLowerCase().replace('_', ' ')}`);
  return [
    opts.style.bold(`${d.application} ${d.version} → ${d.environment}`),
    colorStatus(d.status, opts.style),
    took === undefined ? '' : formatDuration(took),
    [summary, ...bad].join(', '),
    opts.style.dim(d.id),
  ]
    .filter(Boolean)
    .join('  ');
}

/** What a queued deployment waits for: `#2 in the queue, waiting for d-…`. */
export function queueSummary(d: Pick<Deployment, 'queuePosition' | 'waitingFor'>): string {
  if (d.queuePosition === 0) return 'its turn has come, starting';
  if (d.queuePosition === undefined) return 'queued';
  return `#${d.queuePosition} in the queue${d.waitingFor ? `, waiting for ${d.waitingFor}` : ', next'}`;
}

/** The whole picture of a deployment: a header and a row per host. */
export function deploymentLines(d: Deployment, opts: ViewOptions): string[] {
  const fleet = d.provisioning ? [provisioningLine(d.provisioning, opts.style)] : [];
  return [headerLine(d, opts), ...rollbackLines(d, opts.style), ...fleet, ...hostRows(withBake(d), opts)];
}

/** The links of a rollback of a finished deploy, both ways, and what each host goes back from. */
export function rollbackLines(d: Pick<Deployment, 'rollbackOf' | 'rolledBackBy' | 'rollbackReason' | 'hosts'>, style: Style): string[] {
  const lines: string[] = [];
  if (d.rollbackOf) {
    const from = [...new Set(d.hosts.flatMap((h) => (h.previousVersion ? [h.previousVersion] : [])))];
    const reason = d.rollbackReason ? `: ${d.rollbackReason}` : '';
    lines.push(style.dim(`  rollback of ${d.rollbackOf}${from.length ? `, from ${from.join(', ')}` : ''}${reason}`));
  }
  if (d.rolledBackBy) lines.push(style.yellow(`  rolled back by ${d.rolledBackBy}`));
  return lines;
}

/** What went wrong, for the end of a failed or cancelled deploy: each failing host's step, error and output tail. */
export function failureLines(d: Deployment, style: Style, tailLines = 12): string[] {
  const lines = [style.red(`✗ deployment ${d.status}${d.error ? `: ${d.error}` : ''}`)];
  for (const h of d.hosts.filter((x) => ['FAILED', 'ROLLED_BACK', 'QUARANTINED'].includes(x.status))) {
    const step = failedStep(h);
    const what = step ? `step ${step.name} failed (attempt ${step.attempts}): ${stepError(step, h)}` : `failed: ${h.error ?? 'no error recorded'}`;
    const type = step?.errorType ?? h.errorType;
    lines.push(`  ${style.bold(h.name)} ${colorStatus(h.status, style)}: ${what}${type ? ` (${type})` : ''}`);
    for (const l of tail(step?.outputTail ?? '', tailLines)) lines.push(style.dim(`    │ ${l}`));
    const docs = step?.docs ?? h.docs;
    if (docs) lines.push(`    docs: ${docs}`);
  }
  return lines;
}

export function successLine(d: Deployment, style: Style): string {
  const took = d.durationMs === null ? '' : ` in ${formatDuration(d.durationMs)}`;
  return style.green(`✓ deployment SUCCEEDED${took}: ${d.hosts.filter((h) => h.status === 'DONE').length}/${d.hosts.length} hosts done`);
}
