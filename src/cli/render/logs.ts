import type { LogStep } from '../../client/index.ts';
import type { Style } from '../style.ts';
import { colorStatus } from './deployment.ts';
import { elapsed, formatDuration } from './format.ts';

export type { LogStep };

/** One execution: a re-run after a crash may repeat the attempt number, never its start. */
export const logKey = (s: LogStep) => `${s.host}/${s.step}/${s.round ?? 1}/${s.attempt}/${s.startedAt}`;

const indent = (text: string, mark: string) =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `  ${mark}${l}`);

/** A step attempt as a block: a header, the command, stdout, stderr (marked), the error. */
export function logLines(s: LogStep, style: Style): string[] {
  const took = s.finishedAt ? formatDuration(elapsed(s.startedAt, s.finishedAt, 0) ?? 0) : 'running';
  const exit = s.exitCode === null || s.exitCode === undefined ? '' : ` · exit ${s.exitCode}`;
  const round = (s.round ?? 1) > 1 ? ` · round ${s.round}` : '';
  const worker = s.worker ? ` · ${s.worker}` : '';
  const lines = [
    style.bold(`── ${s.host} · ${s.step}${round} · attempt ${s.attempt} · `) + colorStatus(s.status, style) + style.dim(`${exit} · ${took}${worker}`),
  ];
  if (s.command) lines.push(style.dim(`  $ ${s.command}`));
  if (s.stdout) lines.push(...indent(s.stdout, ''));
  if (s.stderr) lines.push(...indent(s.stderr, '').map((l) => style.yellow(l)));
  if (s.error) lines.push(style.red(`  error: ${s.error}${s.errorType ? ` (${s.errorType})` : ''}`));
  if (s.docs) lines.push(`  docs: ${s.docs}`);
  return lines;
}

/**
 * The finished attempts not printed yet, for `logs --follow`: an attempt is
 * printed once, when it has finished, so its output is whole.
 */
export function newlyFinished(steps: LogStep[], printed: ReadonlySet<string>): LogStep[] {
  return steps.filter((s) => s.status !== 'RUNNING' && !printed.has(logKey(s)));
}
