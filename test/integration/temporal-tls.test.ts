import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Context } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { makeTestCa } from '../support/test-ca.ts';
import { openTestContext } from '../support/test-context.ts';
import { startTlsProxy } from '../support/tls-proxy.ts';

// Vesemir reaching a Temporal frontend over TLS and mTLS with the
// TEMPORAL_TLS_* variables: the run's dev server behind a TLS front whose CA
// the test made. Both connections (the client's and the worker's native one)
// must get through.

const ca = makeTestCa();
const otherCa = makeTestCa('someone-else');
const server = ca.server();
const client = ca.client();
const stranger = otherCa.client();
let tlsFront: Awaited<ReturnType<typeof startTlsProxy>>;
let mtlsFront: Awaited<ReturnType<typeof startTlsProxy>>;
let dataDir: string;

beforeAll(async () => {
  const target = inject('temporalAddress');
  const cert = ca.read(server.cert);
  const key = ca.read(server.key);
  tlsFront = await startTlsProxy({ target, cert, key });
  mtlsFront = await startTlsProxy({ target, cert, key, clientCa: ca.read(ca.ca.cert) });
  dataDir = mkdtempSync(join(tmpdir(), 'vesemir-tls-'));
});
afterAll(async () => {
  await tlsFront?.close();
  await mtlsFront?.close();
  ca.remove();
  otherCa.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

const configFor = (address: string, env: Record<string, string>) =>
  loadConfig({ TEMPORAL_ADDRESS: address, VESEMIR_DATA_DIR: join(dataDir, String(Math.random())), LOG_LEVEL: 'silent', ...env });

async function connectThrough(address: string, env: Record<string, string>): Promise<Context> {
  return openTestContext(configFor(address, env), createLogger('silent'), address);
}

/** Both connections answer a real RPC through the front. */
async function reachesTemporal(ctx: Context) {
  const viaClient = await ctx.client.workflowService.getSystemInfo({});
  const viaWorker = await ctx.native.workflowService.getSystemInfo({});
  return [viaClient.serverVersion, viaWorker.serverVersion].every((v) => typeof v === 'string' && v.length > 0);
}

describe('Temporal over TLS', () => {
  it('connects with the CA of TEMPORAL_TLS_CA_PATH, client and worker connection both', async () => {
    const ctx = await connectThrough(tlsFront.address, { TEMPORAL_TLS_CA_PATH: ca.ca.cert });
    try {
      expect(await reachesTemporal(ctx)).toBe(true);
    } finally {
      await ctx.close();
    }
    expect(tlsFront.accepted.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a frontend whose certificate another CA signed, and a TLS mismatch, naming the variable', async () => {
    await expect(connectThrough(tlsFront.address, { TEMPORAL_TLS_CA_PATH: otherCa.ca.cert })).rejects.toThrow(
      /TEMPORAL_TLS_CA_PATH: the certificate of the Temporal frontend at .* is not signed by this CA/,
    );
    // Plain gRPC against a TLS front, and TLS against the plain dev server: the error says which setting.
    await expect(connectThrough(tlsFront.address, {})).rejects.toThrow(
      /TEMPORAL_ADDRESS: cannot reach .*; if it serves TLS, set TEMPORAL_TLS_CA_PATH or TEMPORAL_TLS=on/,
    );
    await expect(connectThrough(inject('temporalAddress'), { TEMPORAL_TLS_CA_PATH: ca.ca.cert })).rejects.toThrow(/TEMPORAL_TLS: .* does not speak TLS/);
  });

  it('with mTLS, gets through with the client certificate and key, and is refused without them or with a stranger’s', async () => {
    const before = mtlsFront.accepted.length;
    const ctx = await connectThrough(mtlsFront.address, {
      TEMPORAL_TLS_CA_PATH: ca.ca.cert,
      TEMPORAL_TLS_CERT_PATH: client.cert,
      TEMPORAL_TLS_KEY_PATH: client.key,
    });
    try {
      expect(await reachesTemporal(ctx)).toBe(true);
    } finally {
      await ctx.close();
    }
    expect(mtlsFront.accepted.slice(before).every((a) => a.authorized && a.peer === 'vesemir-worker')).toBe(true);
    // The frontend's "certificate required" alert comes after the TLS 1.3 handshake: the
    // client reads it, or finds the connection closed (broken pipe); either answer names the variable.
    await expect(connectThrough(mtlsFront.address, { TEMPORAL_TLS_CA_PATH: ca.ca.cert })).rejects.toThrow(
      /TEMPORAL_TLS_CERT_PATH: the Temporal frontend at .* refused a connection without a client certificate \(mTLS\)|TEMPORAL_ADDRESS: cannot reach the Temporal frontend at .*; if it requires a client certificate \(mTLS\), set TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/,
    );
    await expect(
      connectThrough(mtlsFront.address, { TEMPORAL_TLS_CA_PATH: ca.ca.cert, TEMPORAL_TLS_CERT_PATH: stranger.cert, TEMPORAL_TLS_KEY_PATH: stranger.key }),
    ).rejects.toThrow(/or it refused the client certificate of TEMPORAL_TLS_CERT_PATH/);
  });

  it('refuses at start, naming the variable, a key that is not the certificate’s', async () => {
    await expect(
      connectThrough(mtlsFront.address, { TEMPORAL_TLS_CA_PATH: ca.ca.cert, TEMPORAL_TLS_CERT_PATH: client.cert, TEMPORAL_TLS_KEY_PATH: stranger.key }),
    ).rejects.toThrow(/TEMPORAL_TLS_KEY_PATH: the key does not belong to the certificate/);
    const empty = join(dataDir, 'empty-key');
    writeFileSync(empty, '\n');
    await expect(connectThrough(tlsFront.address, { TEMPORAL_TLS_CA_PATH: ca.ca.cert, TEMPORAL_API_KEY_PATH: empty })).rejects.toThrow(
      /TEMPORAL_API_KEY_PATH: .* is empty/,
    );
  });
});
