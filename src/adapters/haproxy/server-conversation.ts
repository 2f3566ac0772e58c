import { isRuntimeError, LoadBalancerError, parseServersState, parseStatSessions, showServersStateCommand, showStatCommand } from '../../domain/haproxy.ts';
import type { Host, LbRuntime, LbServerState } from '../../domain/ports.ts';
import { sleep } from './each-box.ts';

/**
 * The runtime-API conversation about one server of one backend on one LB
 * box, for the deploy's steps (drain, enable, restore) and for adding and
 * removing servers alike: every failure names the box, the backend and the
 * server, with HAProxy's answer.
 */
export class ServerConversation {
  constructor(
    private readonly runtime: LbRuntime,
    readonly lb: Host,
    readonly backend: string,
    readonly server: string,
  ) {}

  fail(answer: string, what: string): LoadBalancerError {
    return new LoadBalancerError(this.lb.name, this.backend, this.server, answer, what);
  }

  async send(command: string): Promise<string> {
    try {
      return await this.runtime.send(this.lb, command);
    } catch (error) {
      throw this.fail('', `'${command}' not delivered: ${(error as Error).message}`);
    }
  }

  /** Sends a `set …`-like command; any answer text is HAProxy refusing it. */
  async set(command: string): Promise<void> {
    const answer = await this.send(command);
    if (isRuntimeError(answer)) throw this.fail(answer, `'${command}' failed`);
  }

  /** Every server of the backend as `show servers state` lists it. */
  async states(): Promise<LbServerState[]> {
    return this.parse(await this.send(showServersStateCommand(this.backend)), parseServersState);
  }

  /** This server's state; undefined when the backend does not list it. */
  async state(): Promise<LbServerState | undefined> {
    return (await this.states()).find((s) => s.server === this.server);
  }

  /**
   * Polls `show stat` until the server's current and queued sessions are 0 or
   * the deadline passes; answers what is left. A server `show stat` does not
   * list has none, or, with `absent: 'error'`, is an error.
   */
  async waitForNoSessions(deadline: number, pollIntervalMs: number, absent: 'none' | 'error'): Promise<number> {
    for (;;) {
      const answer = await this.send(showStatCommand(this.backend));
      const row = this.parse(answer, parseStatSessions).find((s) => s.server === this.server);
      if (!row && absent === 'error') throw this.fail(answer, 'server missing from show stat');
      const left = row ? row.current + row.queued : 0;
      if (left === 0 || Date.now() >= deadline) return left;
      await sleep(Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())));
    }
  }

  private parse<T>(answer: string, parser: (text: string) => T): T {
    try {
      return parser(answer);
    } catch {
      // the answer is usually an error line (`Can't find backend.`); the error carries it
      throw this.fail(answer, 'unexpected answer from the runtime API');
    }
  }
}
