import { ApplicationFailure, ApplicationFailureCategory, CancelledFailure } from '@temporalio/common';
import { ErrorType, retryDecision, VesemirError } from '../domain/errors.ts';

/**
 * The one place where errors become ApplicationFailures: the `type` is kept,
 * errors that retrying cannot fix are marked non-retryable, and "not yet"
 * answers are BENIGN. Anything that is not a VesemirError is an InternalError.
 */
export function toFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const known = err instanceof VesemirError ? err : undefined;
  const type = known?.type ?? ErrorType.InternalError;
  const decision = retryDecision(type);
  return ApplicationFailure.create({
    message: err instanceof Error ? err.message : String(err),
    type,
    // The error's own verdict counts: Chef's 400 to a search is the same on every attempt.
    nonRetryable: known ? !known.retryable : decision === 'never',
    details: known ? [known.details] : [],
    cause: err instanceof Error ? err : undefined,
    category: decision === 'not yet' ? ApplicationFailureCategory.BENIGN : undefined,
  });
}

/** Runs `fn`, its errors mapped by toFailure; a cancel stays a cancel. */
export async function mapFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof CancelledFailure ? err : toFailure(err);
  }
}
