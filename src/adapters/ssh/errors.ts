import { ErrorType, VesemirError } from '../../domain/errors.ts';

/** Errors of the SSH adapter. Each names the host it concerns; none carries a key. */

interface HostKeyErrorFields {
  /** Host name (Chef node name). */
  host: string;
  address: string;
  port: number;
  /** Pinned fingerprints for the host (empty when unknown). */
  expected: string[];
  /** Fingerprint the host presented. */
  actual: string;
}

/** The host presented a key that is not the pinned one: possibly an impostor. */
export class HostKeyMismatchError extends VesemirError {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly expected: string[];
  readonly actual: string;

  constructor(fields: HostKeyErrorFields & { revoked?: boolean }) {
    const why = fields.revoked ? 'a revoked host key' : 'a host key that does not match the pinned one';
    super(
      ErrorType.HostKeyMismatch,
      `host ${fields.host} (${fields.address}:${fields.port}) presented ${why}: ` +
        `got ${fields.actual}, expected ${fields.expected.join(' or ') || '(none)'}; refusing to connect`,
    );
    this.name = 'HostKeyMismatchError';
    this.host = fields.host;
    this.address = fields.address;
    this.port = fields.port;
    this.expected = fields.expected;
    this.actual = fields.actual;
  }
}

/** No key is pinned for the host; unknown keys are never accepted. */
export class HostKeyUnknownError extends VesemirError {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly expected: string[] = [];
  readonly actual: string;

  constructor(fields: Omit<HostKeyErrorFields, 'expected'>) {
    super(
      ErrorType.HostKeyUnknown,
      `host ${fields.host} (${fields.address}:${fields.port}) is not in known_hosts ` +
        `(it presented ${fields.actual}); add its key to known_hosts to allow it`,
    );
    this.name = 'HostKeyUnknownError';
    this.host = fields.host;
    this.address = fields.address;
    this.port = fields.port;
    this.actual = fields.actual;
  }
}

/** TCP connect, SSH handshake or authentication failed, or the connection dropped. */
export class SshConnectError extends VesemirError {
  readonly host: string;
  readonly address: string;
  readonly port: number;

  constructor(fields: { host: string; address: string; port: number; reason: string; cause?: unknown }) {
    super(ErrorType.SshConnect, `ssh to ${fields.host} (${fields.address}:${fields.port}): ${fields.reason}`, { cause: fields.cause });
    this.name = 'SshConnectError';
    this.host = fields.host;
    this.address = fields.address;
    this.port = fields.port;
  }
}

/** A command did not finish within its timeout; its channel was closed. */
export class SshExecTimeoutError extends VesemirError {
  readonly host: string;
  readonly command: string;
  readonly timeoutMs: number;

  constructor(fields: { host: string; command: string; timeoutMs: number }) {
    super(ErrorType.SshExecTimeout, `command on ${fields.host} timed out after ${fields.timeoutMs} ms: ${fields.command}`);
    this.name = 'SshExecTimeoutError';
    this.host = fields.host;
    this.command = fields.command;
    this.timeoutMs = fields.timeoutMs;
  }
}

/** An SFTP upload failed. */
export class SshUploadError extends VesemirError {
  readonly host: string;
  readonly remotePath: string;

  constructor(fields: { host: string; remotePath: string; reason: string; cause?: unknown }) {
    super(ErrorType.SshUpload, `upload to ${fields.host}:${fields.remotePath} failed: ${fields.reason}`, { cause: fields.cause });
    this.name = 'SshUploadError';
    this.host = fields.host;
    this.remotePath = fields.remotePath;
  }
}
