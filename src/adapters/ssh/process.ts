import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import type { RemoteProcess } from '../../domain/ports.ts';

/** Output kept per stream: the tail, where a failing command explains itself. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024;

/** Keeps the last `limit` bytes written to it. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = OUTPUT_LIMIT_BYTES) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Drop whole chunks only while what is left still holds `limit` bytes.
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.limit) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/** One ssh2 connection: commands as argv, uploads over one lazily opened SFTP channel. */
/** One exec channel kept open: stdin stays writable until `close`. */
export class Ssh2Process implements RemoteProcess {
  private readonly stderr = new TailBuffer(4096);
  private exit: string | undefined;
  private endListeners: ((reason: string) => void)[] = [];
  private endReason: string | undefined;

  constructor(
    private readonly stream: ClientChannel,
    lostReason: () => string | undefined,
  ) {
    stream.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    // A write after the command ended fails here; the end itself is reported through onEnd.
    stream.on('error', () => undefined);
    stream.on('exit', (code: number | null, signal?: string) => {
      this.exit = code === null ? `killed by ${signal ?? 'a signal'}` : `exit ${code}`;
      // The channel itself closes only once our side ends too; the command is over now.
      setImmediate(() => this.finish(lostReason));
    });
    stream.on('close', () => this.finish(lostReason));
  }

  private finish(lostReason: () => string | undefined): void {
    if (this.endReason !== undefined) return;
    const stderr = this.stderr.toString().trim();
    this.endReason = `${this.exit ?? `channel closed (${lostReason() ?? 'no exit status'})`}${stderr ? `: ${stderr}` : ''}`;
    for (const listener of this.endListeners.splice(0)) listener(this.endReason);
    this.close();
  }

  write(text: string): void {
    if (this.endReason === undefined) this.stream.write(text);
  }

  onOutput(listener: (chunk: string) => void): void {
    // A character split across two packets is joined before it is passed on.
    const decoder = new StringDecoder('utf8');
    this.stream.on('data', (chunk: Buffer) => listener(decoder.write(chunk)));
  }

  onEnd(listener: (reason: string) => void): void {
    if (this.endReason !== undefined) listener(this.endReason);
    else this.endListeners.push(listener);
  }

  close(): void {
    this.stream.end();
    this.stream.close();
  }
}
