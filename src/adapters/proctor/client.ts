import { z } from 'zod';
import { ErrorType, VesemirError } from '../../domain/errors.ts';
import type { JobStatus, Provisioner, ProvisionerCallOptions, ProvisioningJob } from '../../domain/vm.ts';
import { readTextMessages } from './websocket.ts';

export interface ProctorClientOptions {
  /** e.g. `https://proctor.example.com`; a path in it is kept. */
  baseUrl: string;
  /** Sent as `Email-Id`. A secret: never logged, never put in an error or a workflow payload. */
  emailId: string;
  /** Sent as `Access-Token`. A secret, as above. */
  accessToken: string;
  /** Per HTTP request. @default 10000 */
  timeoutMs?: number;
}

/** The arg that carries the request id, so that a resubmitted job is recognised. */
export const REQUEST_ID_ARG = 'REQUEST_ID';

const DEFINITE = { WAITING: 'WAITING', SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' } as const;
/** Proctor's words for "I could not tell": never a success, polled again. */
export const AMBIGUOUS_STATUSES = ['JOB_EXECUTION_STATUS_FETCH_ERROR', 'NO_DEFINITIVE_JOB_EXECUTION_STATUS_FOUND'] as const;

const executed = z.object({ name: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/) });
const EXCERPT_LENGTH = 300;

/** Proctor's job API over HTTP (global fetch). */
export class ProctorClient implements Provisioner {
  readonly #base: string;
  readonly #emailId: string;
  readonly #accessToken: string;
  readonly #timeoutMs: number;

  constructor(options: ProctorClientOptions) {
    const url = new URL(options.baseUrl); // throws early on a malformed URL
    if (!options.emailId || !options.accessToken) throw new Error('Proctor Email-Id and Access-Token must both be set');
    this.#base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.#emailId = options.emailId;
    this.#accessToken = options.accessToken;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async submit(job: ProvisioningJob): Promise<{ executionName: string }> {
    const body = JSON.stringify({ name: job.job, args: { ...job.args, [REQUEST_ID_ARG]: job.requestId } });
    const { status, text } = await this.#send('POST', '/jobs/execute', body);
    if (status !== 201 && status !== 200) throw failure('POST', '/jobs/execute', status, text);
    let parsed: z.infer<typeof executed>;
    try {
      parsed = executed.parse(JSON.parse(text));
    } catch {
      throw new VesemirError(ErrorType.ProvisionerUnavailable, `Proctor POST /jobs/execute: unexpected answer: ${excerpt(text)}`);
    }
    return { executionName: parsed.name };
  }

  async status(executionName: string, options: ProvisionerCallOptions = {}): Promise<JobStatus> {
    const path = `/jobs/execute/${encodeURIComponent(executionName)}/status`;
    const { status, text } = await this.#send('GET', path, undefined, options.signal);
    const word = text.trim();
    if (status === 404) return { state: 'NOT_FOUND', raw: word || 'NOT_FOUND' };
    if ((AMBIGUOUS_STATUSES as readonly string[]).includes(word)) return { state: 'AMBIGUOUS', raw: word };
    if (status < 200 || status > 299) throw failure('GET', path, status, text);
    const definite = DEFINITE[word as keyof typeof DEFINITE];
    // An answer we do not know is not a success either.
    return definite ? { state: definite, raw: word } : { state: 'AMBIGUOUS', raw: excerpt(word) };
  }

  /**
   * Proctor streams an execution's log over a WebSocket (`GET /jobs/logs?job_name=…`,
   * a text message per line, closed when all is read); the last `lines` of them.
   */
  async logTail(executionName: string, options: ProvisionerCallOptions & { lines?: number } = {}): Promise<string[]> {
    const url = new URL(`${this.#base}/jobs/logs?job_name=${encodeURIComponent(executionName)}`);
    try {
      const lines = await readTextMessages(url, { headers: this.#headers(), signal: this.#signal(options.signal), keep: options.lines ?? 20 });
      return lines.map((line) => line.slice(0, EXCERPT_LENGTH));
    } catch (cause) {
      throw new VesemirError(ErrorType.ProvisionerUnavailable, `Proctor GET /jobs/logs: ${String(cause)}`);
    }
  }

  #headers(): Record<string, string> {
    return { 'Email-Id': this.#emailId, 'Access-Token': this.#accessToken };
  }

  #signal(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    return signal ? AbortSignal.any([timeout, signal]) : timeout;
  }

  async #send(method: string, path: string, body?: string, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const headers = this.#headers();
    if (body) headers['Content-Type'] = 'application/json';
    try {
      const response = await fetch(`${this.#base}${path}`, { method, headers, body, redirect: 'manual', signal: this.#signal(signal) });
      return { status: response.status, text: await response.text() };
    } catch (cause) {
      // The cause is a network error: it never holds the headers.
      throw new VesemirError(ErrorType.ProvisionerUnavailable, `Proctor ${method} ${path}: no answer: ${String(cause)}`);
    }
  }
}

/** Throttling and server-side trouble are worth retrying; other refusals (auth, unknown job, bad args) are not. */
function failure(method: string, path: string, status: number, text: string): VesemirError {
  const retryable = status === 429 || status >= 500;
  return new VesemirError(
    retryable ? ErrorType.ProvisionerUnavailable : ErrorType.ProvisionerRejected,
    `Proctor ${method} ${path}: HTTP ${status}${text.trim() ? `: ${excerpt(text)}` : ''}`,
    { details: { status } },
  );
}

function excerpt(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
}
