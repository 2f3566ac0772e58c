import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorType, VesemirError } from '../../domain/errors.ts';
import type { ArtifactSource } from '../../domain/ports.ts';

export interface HttpArtifactSourceOptions {
  /** Verified artifacts are kept here by sha256, so each is fetched once per worker. */
  cacheDir: string;
  /** The whole download, below the activity's start-to-close timeout. @default 75_000 */
  timeoutMs?: number;
  /** Until the server answers (its status line): a server that is not there is given up on quickly. @default 10_000 */
  answerTimeoutMs?: number;
}

/** Fetches release artifacts over HTTP(S) and keeps the verified ones on disk. */
export class HttpArtifactSource implements ArtifactSource {
  private readonly inFlight = new Map<string, Promise<Buffer>>();

  constructor(private readonly options: HttpArtifactSourceOptions) {}

  get(url: string, sha256: string): Promise<Buffer> {
    // Concurrent steps of one deploy share one download.
    const key = `${sha256} ${url}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(url, sha256).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async load(url: string, sha256: string): Promise<Buffer> {
    const cached = join(this.options.cacheDir, `${sha256}.artifact`);
    const hit = await readFile(cached).catch(() => undefined);
    if (hit && digest(hit) === sha256) return hit;

    const bytes = await this.download(url);
    const actual = digest(bytes);
    if (actual !== sha256) {
      throw new VesemirError(ErrorType.ArtifactChecksumMismatch, `artifact ${url} has sha256 ${actual}, the request said ${sha256}`, {
        details: { url, expected: sha256, actual },
      });
    }
    await mkdir(this.options.cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, cached);
    return bytes;
  }

  private async download(url: string): Promise<Buffer> {
    const unavailable = (why: string, retryable?: boolean) =>
      new VesemirError(ErrorType.ArtifactUnavailable, `artifact ${url} could not be fetched: ${why}`, retryable === undefined ? {} : { retryable });
    const answerTimeoutMs = this.options.answerTimeoutMs ?? 10_000;
    const noAnswer = new AbortController();
    const waiting = setTimeout(() => noAnswer.abort(), answerTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.any([noAnswer.signal, AbortSignal.timeout(this.options.timeoutMs ?? 75_000)]) });
    } catch (err) {
      throw unavailable(noAnswer.signal.aborted ? `no answer within ${answerTimeoutMs / 1000} s` : describeFetchError(err));
    } finally {
      clearTimeout(waiting);
    }
    // A 4xx other than a timeout or a rate limit is the same on every attempt.
    if (!response.ok) throw unavailable(`HTTP ${response.status}`, response.status >= 500 || response.status === 408 || response.status === 429);
    try {
      return Buffer.from(await response.arrayBuffer());
    } catch (err) {
      throw unavailable(describeFetchError(err));
    }
  }
}

/** fetch says only "fetch failed": the reason (ENOTFOUND, ECONNREFUSED…) is in its cause. */
function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
