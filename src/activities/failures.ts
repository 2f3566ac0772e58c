import { ApplicationFailure } from '@temporalio/common';
import { errorTypeOf, NON_RETRYABLE_ERROR_TYPES } from '../domain/errors.ts';

/**
 * The one place where errors become ApplicationFailures: the `type` is kept,
 * and errors that retrying cannot fix are marked non-retryable.
 */
export function toFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const type = errorTypeOf(err) ?? 'InternalError';
  const message = err instanceof Error ? err.message : String(err);
  const details = (err as { details?: unknown } | null)?.details;
  return ApplicationFailure.create({
    message,
    type,
    // An adapter's own verdict counts too: Chef's 400 to a search is the same on every attempt.
    nonRetryable: NON_RETRYABLE_ERROR_TYPES.includes(type) || (err as { retryable?: unknown } | null)?.retryable === false,
    details: details === undefined ? [] : [details],
    cause: err instanceof Error ? err : undefined,
  });
}

export async function mapFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFailure(err);
  }
}
