/** A line for the person watching: stderr, so stdout stays JSON logs only. */
export function say(...lines: string[]): void {
  process.stderr.write(lines.map((l) => `${l}\n`).join(''));
}

export interface TeardownOptions {
  /** The longest a teardown may take before `lastResort` runs and the process exits. @default 30_000 */
  deadlineMs?: number;
  /** Synchronous, for a teardown past its deadline: removes what must not stay (the keys). */
  lastResort: () => void;
  /** How long a start under way at teardown may still take before it is left to die with the process. @default 3_000 */
  pendingGraceMs?: number;
}

/**
 * What the demo started, stopped in reverse order, once: on Ctrl-C (SIGINT),
 * SIGTERM, or a fatal error. A start still under way when the signal comes is
 * awaited, then stopped, so a stop at any moment leaves no process and no key
 * behind; nothing new starts once the teardown has begun.
 */
export class Teardown {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private readonly controller = new AbortController();
  private finishing: Promise<never> | undefined;

  constructor(private readonly options: TeardownOptions) {}

  /** Aborted when the teardown begins: loops that poll stop there. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Runs `begin` unless stopping (then never settles: the process is about to
   * exit); `stopOf` runs at teardown. A start still under way then gets
   * `pendingGraceMs` to finish; past that it is left to end with this process:
   * its children die with it (PR_SET_PDEATHSIG) and its temp dirs go with the
   * temp root, which beats waiting out a Temporal server and a database
   * still being created.
   */
  start<T>(name: string, begin: () => Promise<T>, stopOf: (started: T) => Promise<void>): Promise<T> {
    if (this.signal.aborted) return new Promise<never>(() => {});
    const started = begin();
    this.add(name, async () => {
      const grace = new Promise<'pending'>((resolve) => setTimeout(resolve, this.options.pendingGraceMs ?? 3_000, 'pending').unref());
      const outcome = await Promise.race([
        started.then(
          (value) => ({ value }),
          () => undefined,
        ),
        grace,
      ]);
      if (outcome === 'pending') say(`  ${name} was still starting: it ends with this process`);
      else if (outcome) await stopOf(outcome.value);
    });
    return started;
  }

  add(name: string, stop: () => Promise<void> | void): void {
    this.stops.push({ name, stop: async () => stop() });
  }

  /**
   * SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal closed) start the
   * teardown; another one meanwhile only says it is under way. A terminal that
   * is gone fails our writes: the teardown goes on without them.
   */
  onSignals(): void {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (this.finishing) say('Still stopping: removing the fleet and its keys…');
        else void this.exit(`${signal}: stopping everything the demo started…`, 0);
      });
    }
  }

  /** Stops everything, then exits with `code` (1 if a stop failed). Later calls wait for the first. */
  exit(reason: string, code: number): Promise<never> {
    this.finishing ??= this.run(reason, code);
    return this.finishing;
  }

  private async run(reason: string, code: number): Promise<never> {
    this.controller.abort();
    // A live view may have hidden the cursor.
    if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
    say('', reason);
    const deadlineMs = this.options.deadlineMs ?? 30_000;
    const force = setTimeout(() => {
      this.options.lastResort();
      say(`Gave up waiting after ${deadlineMs / 1000} s; the temp dirs are removed, the processes die with this one.`);
      process.exit(1);
    }, deadlineMs);
    let failed = false;
    for (let next = this.stops.pop(); next; next = this.stops.pop()) {
      const began = Date.now();
      try {
        await next.stop();
        say(`  ${next.name}: done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      } catch (err) {
        failed = true;
        say(`  stopping ${next.name} failed: ${(err as Error).message}`);
      }
    }
    clearTimeout(force);
    say(failed ? 'Stopped, with the errors above.' : 'Stopped; no process, temp dir or key of the demo is left.');
    process.exit(failed ? 1 : code);
  }
}
