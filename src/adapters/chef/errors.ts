import { ErrorType, VesemirError } from '../../domain/errors.ts';

/** Errors of the Chef adapter. They carry what a log needs and never a key. */

const EXCERPT_LENGTH = 300;

/**
 * The Chef server refused a request or could not be reached.
 * `status` is 0 when no HTTP answer came (network error, timeout). Only no
 * answer, throttling or a server-side failure is worth another try.
 */
export class ChefError extends VesemirError {
  readonly status: number;
  readonly method: string;
  /** Path with query string, as sent (queries are not secret). */
  readonly path: string;
  /** The start of the server's answer, to explain the refusal. */
  readonly bodyExcerpt: string;

  constructor(args: { status: number; method: string; path: string; body: string; cause?: unknown }) {
    const excerpt = args.body.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
    const what = args.status === 0 ? 'no answer' : `HTTP ${args.status}`;
    super(ErrorType.ChefError, `Chef ${args.method} ${args.path}: ${what}${excerpt ? `: ${excerpt}` : ''}`, {
      cause: args.cause,
      retryable: args.status === 0 || args.status === 429 || args.status >= 500,
    });
    this.name = 'ChefError';
    this.status = args.status;
    this.method = args.method;
    this.path = args.path;
    this.bodyExcerpt = excerpt;
  }
}

/** Chef answered, but with data we cannot deploy to (e.g. a node without an address). */
export class ChefDataError extends VesemirError {
  constructor(message: string) {
    super(ErrorType.ChefDataError, message);
    this.name = 'ChefDataError';
  }
}
