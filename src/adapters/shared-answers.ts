export interface SharedAnswerOptions {
  /** An answer younger than this is served as it is. @default 2000 */
  freshMs?: number;
  /**
   * An older answer, up to this age, is still served at once while one
   * request refreshes it in the background; older than this, the caller waits
   * for a new request. @default 10000
   */
  maxStaleMs?: number;
}

interface Entry<T> {
  /** When the request behind `answer` was sent. */
  at: number;
  answer: Promise<T>;
  /** Set once `answer` resolved: only a known-good answer is served stale. */
  settled: boolean;
  refreshing: boolean;
}

/**
 * Answers shared by the API's dry runs: identical requests in flight share
 * one call, an answer is reused while fresh and, a little longer, served
 * while a refresh runs, so no dry run waits on a peer while others keep
 * asking. Fifty dry runs at once cost the peer one request, not fifty.
 * Deploys never use it: their snapshot is always read afresh.
 */
export class SharedAnswers<T> {
  private readonly answers = new Map<string, Entry<T>>();
  private readonly freshMs: number;
  private readonly maxStaleMs: number;

  constructor(options: SharedAnswerOptions = {}) {
    this.freshMs = options.freshMs ?? 2_000;
    this.maxStaleMs = Math.max(this.freshMs, options.maxStaleMs ?? 10_000);
  }

  get(key: string, ask: () => Promise<T>): Promise<T> {
    const hit = this.answers.get(key);
    const age = hit ? Date.now() - hit.at : Number.POSITIVE_INFINITY;
    if (hit && (age < this.freshMs || !hit.settled)) return hit.answer;
    if (hit && age < this.maxStaleMs) {
      if (!hit.refreshing) this.refresh(key, hit, ask);
      return hit.answer;
    }
    return this.ask(key, ask).answer;
  }

  private ask(key: string, ask: () => Promise<T>): Entry<T> {
    const entry: Entry<T> = { at: Date.now(), answer: ask(), settled: false, refreshing: false };
    this.answers.set(key, entry);
    entry.answer.then(
      () => {
        entry.settled = true;
      },
      // A failed request is not remembered.
      () => {
        if (this.answers.get(key) === entry) this.answers.delete(key);
      },
    );
    if (this.answers.size > 1000) this.answers.delete(this.answers.keys().next().value as string);
    return entry;
  }

  /** Replaces a stale answer once a new request succeeds; a failed refresh keeps serving it until it is too old. */
  private refresh(key: string, stale: Entry<T>, ask: () => Promise<T>): void {
    stale.refreshing = true;
    const at = Date.now();
    ask().then(
      (answer) => {
        if (this.answers.get(key) === stale) this.answers.set(key, { at, answer: Promise.resolve(answer), settled: true, refreshing: false });
      },
      () => {
        stale.refreshing = false;
      },
    );
  }
}
