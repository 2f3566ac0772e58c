import { connect } from 'node:net';
import type { Host, LbRuntime } from '../../domain/ports.ts';

export interface TcpLbRuntimeOptions {
  /** Port of `stats socket ipv4@ADDR:PORT level admin` on every LB box. */
  port: number;
  /** Whole exchange (connect, send, read to close). @default 5000 */
  timeoutMs?: number;
}

/**
 * The runtime API over TCP. HAProxy answers one command per connection and
 * then closes it, so the answer is everything read until the close.
 */
export class TcpLbRuntime implements LbRuntime {
  private readonly port: number;
  private readonly timeoutMs: number;

  constructor(options: TcpLbRuntimeOptions) {
    this.port = options.port;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  send(lb: Host, command: string): Promise<string> {
    if (command.includes('\n')) {
      return Promise.reject(new Error(`runtime-API command for ${lb.name} must be one line`));
    }
    const where = `${lb.name} (${lb.address}:${this.port})`;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (failure?: Error): void => {
        let error = failure;
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        const answer = Buffer.concat(chunks).toString('utf8');
        // HAProxy answers even a success with a newline: zero bytes means it never answered
        if (!error && answer === '') error = new Error(`HAProxy runtime API on ${where}: closed without answering '${command}'`);
        if (error) reject(error);
        else resolve(answer);
      };
      const socket = connect({ host: lb.address, port: this.port, noDelay: true });
      const timer = setTimeout(
        () => finish(new Error(`HAProxy runtime API on ${where}: no answer to '${command}' within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      socket.on('connect', () => socket.end(`${command}\n`));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (error) => finish(new Error(`HAProxy runtime API on ${where}: ${error.message}`)));
      socket.on('close', () => finish());
    });
  }
}
