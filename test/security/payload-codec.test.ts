import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../src/temporal/codec.ts';

describe('AesGcmPayloadCodec', () => {
  const codec = new AesGcmPayloadCodec(randomBytes(32));
  const request = { application: 'shop', version: 'v2', artifact: { url: 'https://a/b.tgz', sha256: 'c'.repeat(64) } };

  it('round-trips payloads, and what it sends holds none of the plain text', async () => {
    const payload = defaultPayloadConverter.toPayload(request);
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('shop');
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(request);
  });

  it('refuses a payload that was tampered with, or sealed with another key', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(request)]);
    const data = Buffer.from(sealed!.data!);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
    await expect(new AesGcmPayloadCodec(randomBytes(32)).decode([sealed!])).rejects.toThrow();
  });

  it('leaves payloads it did not seal alone, and wants a 32-byte key', async () => {
    const plain = defaultPayloadConverter.toPayload('hello');
    expect(await codec.decode([plain])).toEqual([plain]);
    expect(() => new AesGcmPayloadCodec(randomBytes(16))).toThrow(/32 bytes/);
  });
});
