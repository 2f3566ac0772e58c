import { ApiError } from '../client/index.ts';
import type { Style } from './style.ts';

/** Exit codes: 1 the thing ran and failed (a deploy, a replay), 2 the CLI could not do what was asked. */
export const EXIT_FAILED = 1;
export const EXIT_ERROR = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
  }
}

/** How an error reads on stderr, and the exit code it ends with. */
export function describeError(err: unknown, style: Style): { lines: string[]; exitCode: number } {
  if (err instanceof ApiError) {
    const kind = err.body.error ? `${err.body.error}, ` : '';
    // A 400's message repeats its issues, one line each below: the headline need not.
    const headline = err.body.issues?.length ? 'invalid request' : err.message;
    const lines = [style.red(`error: ${headline}`) + style.dim(` (${kind}HTTP ${err.status})`)];
    for (const i of err.body.issues ?? []) lines.push(`  ${style.bold(i.field)}: ${i.message}`);
    if (err.body.runningDeploymentId) lines.push(`  running deployment: ${err.body.runningDeploymentId}`);
    if (err.body.docs) lines.push(`  docs: ${err.body.docs}`);
    return { lines, exitCode: EXIT_ERROR };
  }
  if (err instanceof CliError) return { lines: [style.red(`error: ${err.message}`)], exitCode: err.exitCode };
  const message = err instanceof Error ? err.message : String(err);
  return { lines: [style.red(`error: ${message}`)], exitCode: EXIT_ERROR };
}
