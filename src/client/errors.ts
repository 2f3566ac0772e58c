import type { ErrorBody } from './types.ts';

/**
 * The API answered with an error status. `body` is the API's error body:
 * `error` (the type), `message`, `field`, `issues` of a 400, `docs` (its
 * runbook section); a body that is not the API's (a proxy's page) becomes its
 * text as `message`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: Partial<ErrorBody> & Record<string, unknown>,
  ) {
    super(body.message ?? `HTTP ${status}`);
  }

  /** The error type (`DeploymentInProgress`, `NotFound`, …): branch on it, never on the message. */
  get type(): string | undefined {
    return this.body.error;
  }
}

/** The API could not be reached at all. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Vesemir API at ${url}: ${reason} (set --api or VESEMIR_API_URL)`);
  }
}

/** A wait (`waitForDeployment`, `waitForVms`) stopped by its AbortSignal. */
export class WaitAborted extends Error {
  override readonly name = 'WaitAborted';
  constructor(readonly id: string) {
    super(`stopped waiting for ${id}; it goes on server-side`);
  }
}

// fetch hides the socket error under `cause` (ECONNREFUSED, ENOTFOUND, …);
// `localhost` tries ::1 and 127.0.0.1 and fails with an AggregateError of both.
export function reasonOf(err: unknown): string {
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const cause = (err as { cause?: Cause }).cause;
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code) return code;
  return cause?.message || (err instanceof Error ? err.message : String(err));
}

/** The error body of a failed answer: the API's JSON, else the text it sent. */
export function errorBody(error: unknown, response: Response): ApiError['body'] {
  if (error && typeof error === 'object' && !Array.isArray(error)) return error as ApiError['body'];
  const text = typeof error === 'string' ? error.trim() : '';
  return { message: text || response.statusText || `HTTP ${response.status}` };
}
