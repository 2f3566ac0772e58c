import { constants } from 'node:os';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { ExecOptions, ExecResult, Host, RemoteProcess, RemoteSession } from '../../domain/ports.ts';
import { shellLine } from '../../domain/shell.ts';
import { SshConnectError, SshExecTimeoutError, SshUploadError } from './errors.ts';
import { Ssh2Process, TailBuffer } from './process.ts';

export class Ssh2Session implements RemoteSession {
  private sftp: Promise<SFTPWrapper> | undefined;
  private closed = false;
  private lostReason: string | undefined;

  constructor(
    private readonly client: Client,
    private readonly host: Host,
    private readonly port: number,
  ) {
    client.on('error', (err) => {
      this.lostReason = err.message;
    });
    client.on('close', () => {
      this.closed = true;
    });
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = shellLine(argv);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(this.connectionLost('connection already closed'));
      this.client.exec(withRemoteDeadline(command, options.timeoutMs), (err, stream) => {
        if (err) return reject(this.connectionLost(`could not start '${command}': ${err.message}`, err));
        this.collect(stream, command, options, started).then(resolve, reject);
      });
    });
  }

  private collect(stream: ClientChannel, command: string, options: ExecOptions, started: number): Promise<ExecResult> {
    const stdout = new TailBuffer();
    const stderr = new TailBuffer();
    let exitCode: number | undefined;
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              settled = true;
              killRemote(stream);
              stream.close();
              reject(new SshExecTimeoutError({ host: this.host.name, command, timeoutMs: options.timeoutMs! }));
            }, options.timeoutMs);
      stream.on('data', (chunk: Buffer) => stdout.push(chunk));
      stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      stream.on('exit', (code: number | null, signal?: string) => {
        exitCode = code ?? signalExitCode(signal);
      });
      stream.on('close', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (exitCode === undefined) {
          reject(this.connectionLost(`'${command}' ended without an exit status (${this.lostReason ?? 'channel closed'})`));
          return;
        }
        const durationMs = Math.round(performance.now() - started);
        resolve({ exitCode, stdout: stdout.toString(), stderr: stderr.toString(), durationMs });
      });
      // Ending stdin lets commands that read it (cat, socat) finish.
      stream.end(options.stdin);
    });
  }

  spawn(argv: readonly string[]): Promise<RemoteProcess> {
    const command = shellLine(argv);
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(this.connectionLost('connection already closed'));
      this.client.exec(command, (err, stream) => {
        if (err) return reject(this.connectionLost(`could not start '${command}': ${err.message}`, err));
        resolve(new Ssh2Process(stream, () => this.lostReason));
      });
    });
  }

  async upload(data: Buffer, remotePath: string, mode?: number): Promise<void> {
    const fail = (reason: string, cause?: unknown) => new SshUploadError({ host: this.host.name, remotePath, reason, cause });
    const sftp = await this.openSftp().catch((err: Error) => {
      throw fail(`could not open SFTP: ${err.message}`, err);
    });
    await new Promise<void>((resolve, reject) => {
      sftp.writeFile(remotePath, data, mode === undefined ? {} : { mode }, (err) => (err ? reject(fail(err.message, err)) : resolve()));
    });
    // The mode given at open time is filtered through sshd's umask; set it exactly.
    if (mode !== undefined) {
      await new Promise<void>((resolve, reject) => {
        sftp.chmod(remotePath, mode, (err) => (err ? reject(fail(`chmod: ${err.message}`, err)) : resolve()));
      });
    }
  }

  private openSftp(): Promise<SFTPWrapper> {
    this.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)));
    });
    // A failed open is not cached: the next upload tries again.
    this.sftp.catch(() => {
      this.sftp = undefined;
    });
    return this.sftp;
  }

  /** False once the connection is gone (closed by either side, or lost). */
  isOpen(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
    this.closed = true;
  }

  private connectionLost(reason: string, cause?: unknown): SshConnectError {
    const { name, address } = this.host;
    return new SshConnectError({ host: name, address, port: this.port, reason, cause });
  }
}

/** How long after our own timeout the host kills a command that is still running. */
const REMOTE_GRACE_MS = 1_000;

/**
 * OpenSSH before 9.8 refuses "signal" requests on root sessions ("session
 * signalling requires privilege separation"), so closing a timed-out channel
 * would leave the command running on the host. With a timeout the command
 * runs under coreutils `timeout`, which kills its whole process group.
 */
function withRemoteDeadline(command: string, timeoutMs: number | undefined): string {
  if (timeoutMs === undefined) return command;
  const seconds = ((timeoutMs + REMOTE_GRACE_MS) / 1000).toFixed(3);
  return shellLine(['timeout', '-s', 'KILL', seconds, 'sh', '-c', command]);
}

/**
 * Sends KILL to the remote command (honoured by sshd for non-root users). ssh2's `signal()` is a no-op once stdin
 * is ended (which exec does at once), so the request goes through the
 * channel's protocol object, as `signal()` itself does.
 */
function killRemote(stream: ClientChannel): void {
  const channel = stream as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(id: number, name: string): void } };
  };
  const protocol = channel._client?._protocol;
  const outgoing = channel.outgoing;
  if (!protocol || !outgoing || (outgoing.state !== 'open' && outgoing.state !== 'eof')) return;
  try {
    protocol.signal(outgoing.id, 'KILL');
  } catch {
    // the connection is going away; closing the channel is all we can do
  }
}

/** Shells report a signal death as 128 + signal number; do the same. */
function signalExitCode(signal: string | undefined): number {
  const number = signal ? constants.signals[signal as keyof typeof constants.signals] : undefined;
  return number === undefined ? 255 : 128 + number;
}
