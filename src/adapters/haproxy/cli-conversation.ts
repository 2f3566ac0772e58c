import { ErrorType, VesemirError } from '../../domain/errors.ts';
import type { RemoteProcess, RemoteSession } from '../../domain/ports.ts';

/** HAProxy's interactive CLI ends every answer with this prompt. */
const PROMPT = '\n> ';

/** The conversation ended (or never started) before an answer came: nothing was read back. */
export class ConversationEndedError extends VesemirError {
  constructor(
    message: string,
    /** True when the command was written before the end: HAProxy may or may not have run it. */
    readonly commandSent: boolean,
  ) {
    super(ErrorType.ConversationEnded, message);
    this.name = 'ConversationEndedError';
  }
}

interface Pending {
  command: string;
  resolve(answer: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One `socat stdio <socket>` on an LB box, kept open in HAProxy's
 * interactive mode (`prompt`): a runtime-API command then costs a round
 * trip on an open SSH channel (≈1 ms) instead of a channel, a process and a
 * socket connection each (≈10 ms). Commands are sent one at a time; each
 * answer is the text before the next prompt, the same text a one-shot
 * `socat` prints.
 */
export class CliConversation {
  private buffer = '';
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private ended: string | undefined;

  private constructor(
    private readonly session: RemoteSession,
    private readonly process: RemoteProcess,
  ) {
    process.onOutput((chunk) => this.receive(chunk));
    process.onEnd((reason) => this.end(reason));
  }

  /** Starts socat on the session's host and switches the CLI to interactive mode. */
  static async open(session: RemoteSession, socketPath: string, timeoutMs: number): Promise<CliConversation> {
    let process: RemoteProcess;
    try {
      process = await session.spawn(['socat', 'stdio', socketPath]);
    } catch (err) {
      await session.close().catch(() => undefined);
      throw err;
    }
    const conversation = new CliConversation(session, process);
    try {
      await conversation.ask('prompt', timeoutMs);
    } catch (err) {
      await conversation.close().catch(() => undefined);
      throw err;
    }
    return conversation;
  }

  get isOpen(): boolean {
    return this.ended === undefined;
  }

  /** Sends one command line and resolves with HAProxy's answer (ending in a newline, as with one-shot socat). */
  ask(command: string, timeoutMs: number): Promise<string> {
    const turn = this.queue.then(() => this.exchange(command, timeoutMs));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Ends socat and gives the SSH session back. */
  async close(): Promise<void> {
    this.end('closed by Vesemir');
    this.process.close();
    await this.session.close();
  }

  private exchange(command: string, timeoutMs: number): Promise<string> {
    if (this.ended !== undefined) {
      return Promise.reject(new ConversationEndedError(`the conversation had ended (${this.ended})`, false));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        // Whatever comes later would be taken for the next command's answer.
        this.end(`no answer to '${command}' within ${timeoutMs} ms`);
        this.process.close();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { command, resolve, reject, timer };
      this.buffer = '';
      this.process.write(`${command}\n`);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    if (!this.pending || !this.buffer.endsWith(PROMPT)) return;
    const { resolve, timer } = this.pending;
    clearTimeout(timer);
    this.pending = undefined;
    const answer = this.buffer.slice(0, -PROMPT.length + 1);
    this.buffer = '';
    resolve(answer);
  }

  private end(reason: string): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      const what = pending.command === 'prompt' ? 'socat ended before HAProxy answered' : 'ended before the answer';
      pending.reject(new ConversationEndedError(`${what}: ${reason}`, true));
    }
  }
}
