/** Errors of the Chef adapter. They carry what a log needs and never a key. */

const EXCERPT_LENGTH = 300;

/**
 * The Chef server refused a request or could not be reached.
 * `status` is 0 when no HTTP answer came (network error, timeout).
 */
export class ChefError extends Error {
  readonly type = 'ChefError';
  readonly status: number;
  readonly method: string;
  /** Path with query string, as sent (queries are not secret). */
  readonly path: string;
  /** The start of the server's answer, to explain the refusal. */
  readonly bodyExcerpt: string;

  constructor(args: { status: number; method: string; path: string; body: string; cause?: unknown }) {
    const excerpt = args.body.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
    const what = args.status === 0 ? 'no answer' : `HTTP ${args.status}`;
    super(`Chef ${args.method} ${args.path}: ${what}${excerpt ? `: ${excerpt}` : ''}`, { cause: args.cause });
    this.name = 'ChefError';
    this.status = args.status;
    this.method = args.method;
    this.path = args.path;
    this.bodyExcerpt = excerpt;
  }

  /** Worth another try: no answer, throttling or a server-side failure. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Chef answered, but with data we cannot deploy to (e.g. a node without an address). */
export class ChefDataError extends Error {
  readonly type = 'ChefDataError';

  constructor(message: string) {
    super(message);
    this.name = 'ChefDataError';
  }
}
