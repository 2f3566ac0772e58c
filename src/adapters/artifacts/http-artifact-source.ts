import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorType, VesemirError } from '../../domain/errors.ts';
import type { ArtifactSource } from '../../domain/ports.ts';

export interface HttpArtifactSourceOptions {
  /** Verified artifacts are kept here by sha256, so each is fetched once per worker. */
  cacheDir: string;
  /** @default 120_000 */
  timeoutMs?: number;
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

    let bytes: Buffer;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      throw new VesemirError(ErrorType.ArtifactUnavailable, `artifact ${url} could not be fetched: ${(err as Error).message}`);
    }
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
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
