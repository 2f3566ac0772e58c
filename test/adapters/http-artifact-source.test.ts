import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpArtifactSource } from '../../src/adapters/artifacts/http-artifact-source.ts';
import type { VesemirError } from '../../src/domain/errors.ts';

// What a deploy that cannot start learns from the artifact server, and how fast.

const body = Buffer.from('release bytes');
const sha256 = createHash('sha256').update(body).digest('hex');
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/missing.tgz') res.writeHead(404).end();
    else if (req.url === '/broken.tgz') res.writeHead(503).end();
    else if (req.url === '/silent.tgz')
      return; // accepts the connection, never answers
    else if (req.url === '/slow-body.tgz') {
      res.writeHead(200).flushHeaders();
      setTimeout(() => res.end(body), 400);
    } else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const source = () => new HttpArtifactSource({ cacheDir: mkdtempSync(join(tmpdir(), 'vesemir-artifacts-')), answerTimeoutMs: 200 });
const failure = (url: string) =>
  source()
    .get(url, sha256)
    .then(
      () => expect.unreachable(),
      (err: VesemirError) => err,
    );

describe('HttpArtifactSource', () => {
  it('names the reason of a host that does not resolve', async () => {
    const err = await failure('http://artifacts.invalid/shop-v2.tar.gz');
    expect(err).toMatchObject({ type: 'ArtifactUnavailable', retryable: true });
    expect(err.message).toMatch(/^artifact http:\/\/artifacts\.invalid\/shop-v2\.tar\.gz could not be fetched: fetch failed \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  it('gives up on a server that does not answer within the answer timeout', async () => {
    const began = Date.now();
    const err = await failure(`${base}/silent.tgz`);
    expect(err.message).toContain('no answer within 0.2 s');
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('does not retry a 404, retries a 503', async () => {
    expect(await failure(`${base}/missing.tgz`)).toMatchObject({ retryable: false, message: expect.stringContaining('HTTP 404') });
    expect(await failure(`${base}/broken.tgz`)).toMatchObject({ retryable: true, message: expect.stringContaining('HTTP 503') });
  });

  it('lets a body take longer than the answer timeout', async () => {
    expect(await source().get(`${base}/slow-body.tgz`, sha256)).toEqual(body);
  });
});
