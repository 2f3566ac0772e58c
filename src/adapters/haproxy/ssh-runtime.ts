import type { Host, LbRuntime, RemoteHosts } from '../../domain/ports.ts';
import { CliConversation, ConversationEndedError } from './cli-conversation.ts';

export interface SshLbRuntimeOptions {
  /** Unix runtime-API socket on the LB box. @default '/run/haproxy/admin.sock' */
  socketPath?: string;
  /** Per command. @default 10000 */
  timeoutMs?: number;
  /**
   * An idle conversation is closed after this long, before HAProxy's own
   * `stats timeout` (10 s by default) would close it under a command. @default 5000
   */
  idleMs?: number;
}

interface Open {
  key: string;
  conversation: Promise<CliConversation>;
  /** Commands sent and not yet answered: the idle timer runs only at 0. */
  inflight: number;
  idle: NodeJS.Timeout | undefined;
}

/**
 * The runtime API through SSH: `socat stdio SOCKET` on the LB box, kept
 * open per box in HAProxy's interactive mode (see CliConversation). Commands
 * travel on socat's stdin, never through a remote shell line. Every command
 * Vesemir sends sets an absolute value or reads, so one that was cut off
 * with its conversation is sent again once on a fresh one.
 */
export class SshLbRuntime implements LbRuntime {
  private readonly socketPath: string;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly open = new Map<string, Open>();

  constructor(
    private readonly hosts: RemoteHosts,
    options: SshLbRuntimeOptions = {},
  ) {
    this.socketPath = options.socketPath ?? '/run/haproxy/admin.sock';
    // socat reads ':' and ',' in an address as its own syntax
    if (!/^\/[A-Za-z0-9._/-]+$/.test(this.socketPath)) {
      throw new Error(`invalid HAProxy socket path ${JSON.stringify(this.socketPath)}: use an absolute path of [A-Za-z0-9._/-]`);
    }
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.idleMs = options.idleMs ?? 5_000;
  }

  async send(lb: Host, command: string): Promise<string> {
    if (command.includes('\n')) throw new Error(`runtime-API command for ${lb.name} must be one line`);
    for (let attempt = 1; ; attempt++) {
      const entry = this.entryFor(lb);
      entry.inflight++;
      clearTimeout(entry.idle);
      try {
        const answer = await (await entry.conversation).ask(command, this.timeoutMs);
        entry.inflight--;
        this.closeWhenIdle(entry);
        return answer;
      } catch (err) {
        entry.inflight--;
        await this.forget(entry);
        if (attempt === 1 && err instanceof ConversationEndedError) continue;
        throw new Error(`HAProxy runtime API on ${lb.name} via socat ${this.socketPath}: '${command}': ${(err as Error).message}`);
      }
    }
  }

  /** Ends every conversation (worker shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((entry) => this.forget(entry)));
  }

  private entryFor(lb: Host): Open {
    const key = `${lb.name}@${lb.address}`;
    let entry = this.open.get(key);
    if (!entry) {
      // CliConversation.open closes the session itself when socat or `prompt` fails.
      const conversation = this.hosts.connect(lb).then((session) => CliConversation.open(session, this.socketPath, this.timeoutMs));
      entry = { key, conversation, inflight: 0, idle: undefined };
      this.open.set(key, entry);
    }
    return entry;
  }

  private closeWhenIdle(entry: Open): void {
    if (entry.inflight > 0) return;
    clearTimeout(entry.idle);
    entry.idle = setTimeout(() => void this.forget(entry), this.idleMs);
    entry.idle.unref();
  }

  private async forget(entry: Open): Promise<void> {
    clearTimeout(entry.idle);
    if (this.open.get(entry.key) === entry) this.open.delete(entry.key);
    const conversation = await entry.conversation.catch(() => undefined);
    await conversation?.close().catch(() => undefined);
  }
}
