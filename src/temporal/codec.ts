import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

const ENCODING = 'binary/encrypted';
const CIPHER = 'aes-256-gcm';

/**
 * Optional encryption of every payload Vesemir sends to Temporal (workflow
 * inputs, activity results, histories), AES-256-GCM with a key only the API,
 * the workers and the CLI's replay hold. Vesemir keeps secrets out of
 * payloads anyway; this is for teams whose requests themselves are sensitive.
 * Enable it with VESEMIR_PAYLOAD_KEY_PATH (32 random bytes, e.g.
 * `head -c 32 /dev/urandom > key`) on every process; the Temporal UI then
 * shows ciphertext unless given a codec server.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly key: Buffer,
    private readonly keyId = 'vesemir-1',
  ) {
    if (key.length !== 32) throw new Error('the payload key must be exactly 32 bytes');
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv(CIPHER, this.key, iv);
      const plain = Buffer.from(JSON.stringify({ metadata: encodeMetadata(payload.metadata), data: toBase64(payload.data) }));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from(this.keyId) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const sealed = Buffer.from(payload.data ?? []);
      const iv = sealed.subarray(0, 12);
      const tag = sealed.subarray(sealed.length - 16);
      const decipher = createDecipheriv(CIPHER, this.key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
      const inner = JSON.parse(plain.toString()) as { metadata: Record<string, string>; data: string | null };
      return { metadata: decodeMetadata(inner.metadata), data: inner.data === null ? undefined : Buffer.from(inner.data, 'base64') };
    });
  }
}

const toBase64 = (data: Uint8Array | null | undefined) => (data ? Buffer.from(data).toString('base64') : null);

function encodeMetadata(metadata: Payload['metadata']): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

function decodeMetadata(metadata: Record<string, string>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}
