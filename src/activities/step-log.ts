import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { StepName, StepRecord } from '../domain/deployment.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import type { ExecResult, RemoteSession } from '../domain/ports.ts';
import { shellLine } from '../domain/shell.ts';
import type { ActivityDeps } from './deps.ts';
import { toFailure } from './failures.ts';
import { untilCancelled, whileHeartbeating } from './heartbeat.ts';

const TAIL_BYTES = 4096;
/** Named like Temporal's default worker identity, so a step record and the UI's worker line up. */
const WORKER = `${process.pid}@${hostname()}`;

export function tail(text: string, bytes = TAIL_BYTES): string {
  return text.length <= bytes ? text : text.slice(-bytes);
}

/** Collects what a step ran and printed, for the step record (not the workflow history). */
export class StepLog {
  readonly commands: string[] = [];
  stdout = '';
  stderr = '';
  exitCode: number | undefined;

  constructor(private readonly hostName: string) {}

  note(line: string): void {
    this.stdout += `${line}\n`;
  }

  /** Runs argv; a non-zero exit is a RemoteCommandFailed carrying the stderr tail. */
  async run(session: RemoteSession, argv: readonly string[], timeoutMs = 60_000): Promise<ExecResult> {
    const result = await this.runAllowingFailure(session, argv, timeoutMs);
    if (result.exitCode !== 0) {
      throw new VesemirError(
        ErrorType.RemoteCommandFailed,
        `${this.hostName}: \`${shellLine(argv)}\` exited ${result.exitCode}: ${tail(result.stderr.trim() || result.stdout.trim(), 1024)}`,
        { details: { host: this.hostName, exitCode: result.exitCode, stderrTail: tail(result.stderr) } },
      );
    }
    return result;
  }

  async runAllowingFailure(session: RemoteSession, argv: readonly string[], timeoutMs = 60_000): Promise<ExecResult> {
    const line = shellLine(argv);
    this.commands.push(line);
    const result = await session.exec(argv, { timeoutMs });
    this.exitCode = result.exitCode;
    if (result.stdout) this.stdout += result.stdout;
    if (result.stderr) this.stderr += result.stderr;
    return result;
  }
}

/**
 * Runs one step of one host: records the attempt as RUNNING, then as
 * SUCCEEDED, FAILED or CANCELLED with its commands and output, and heartbeats
 * while it runs so that a dead worker is noticed within the heartbeat timeout.
 *
 * A cancel (the deploy was cancelled) stops a step marked `stopsOnCancel` at
 * once; any other step finishes what it started on the host first (the
 * workflow waits for it), so that putting the host back never races it.
 */
export async function recordedStep<T>(
  deps: ActivityDeps,
  input: { deploymentId: string; host: { name: string }; round?: number | undefined },
  step: StepName,
  body: (log: StepLog) => Promise<T>,
  options: { stopsOnCancel?: boolean } = {},
): Promise<T> {
  const ctx = Context.current();
  const base: StepRecord = {
    deploymentId: input.deploymentId,
    host: input.host.name,
    step,
    round: input.round ?? 1,
    attempt: ctx.info.attempt,
    execution: randomUUID(),
    worker: WORKER,
    status: 'RUNNING',
    startedAt: new Date(),
  };
  await deps.store.saveStep(base);
  const log = new StepLog(input.host.name);
  const finish = (status: StepRecord['status'], error?: string, errorType?: string) =>
    deps.store.saveStep({
      ...base,
      status,
      finishedAt: new Date(),
      command: log.commands.join('\n') || undefined,
      exitCode: log.exitCode,
      stdout: log.stdout,
      stderr: log.stderr,
      error,
      errorType,
    });
  return whileHeartbeating(async () => {
    try {
      const result = await (options.stopsOnCancel ? untilCancelled(body(log)) : body(log));
      await finish('SUCCEEDED');
      return result;
    } catch (err) {
      if (err instanceof CancelledFailure) {
        await finish('CANCELLED', 'deployment cancelled').catch((saveErr) => deps.logger.error({ err: saveErr, step }, 'could not record a cancelled step'));
        throw err;
      }
      const failure = toFailure(err);
      await finish('FAILED', failure.message, failure.type ?? undefined).catch((saveErr) =>
        deps.logger.error({ err: saveErr, step }, 'could not record a failed step'),
      );
      throw failure;
    }
  });
}
