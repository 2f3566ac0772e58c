import type { Host, LbRuntime, RemoteHosts } from '../../domain/ports.ts';

export interface SshLbRuntimeOptions {
  /** Unix runtime-API socket on the LB box. @default '/run/haproxy/admin.sock' */
  socketPath?: string;
  /** Per command. @default 10000 */
  timeoutMs?: number;
}

/**
 * The runtime API through SSH: `socat stdio SOCKET` on the LB box with the
 * command on stdin, so the command never passes through a remote shell line.
 * One SSH session per command keeps this stateless; the RemoteHosts adapter
 * is free to pool connections.
 */
export class SshLbRuntime implements LbRuntime {
  private readonly socketPath: string;
  private readonly timeoutMs: number;

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
  }

  async send(lb: Host, command: string): Promise<string> {
    if (command.includes('\n')) throw new Error(`runtime-API command for ${lb.name} must be one line`);
    const session = await this.hosts.connect(lb);
    try {
      const result = await session.exec(['socat', 'stdio', this.socketPath], {
        stdin: `${command}\n`,
        timeoutMs: this.timeoutMs,
      });
      if (result.exitCode !== 0) {
        const stderr = result.stderr.trim() || '(no stderr)';
        throw new Error(
          `HAProxy runtime API on ${lb.name} via socat ${this.socketPath}: exit ${result.exitCode} for '${command}': ${stderr}`,
        );
      }
      // HAProxy answers even a success with a newline: empty output means it never answered
      if (result.stdout === '') {
        throw new Error(`HAProxy runtime API on ${lb.name} via socat ${this.socketPath}: no answer to '${command}'`);
      }
      return result.stdout;
    } finally {
      await session.close();
    }
  }
}
