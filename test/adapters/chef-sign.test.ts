import { constants, createHash, generateKeyPairSync, publicDecrypt, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizationHeaders, canonicalPath, canonicalRequest, chefTimestamp, contentHash, signRequest } from '../../src/adapters/chef/sign.ts';

// The vectors of mixlib-authentication's own spec: body "Spec Body",
// path /organizations/clownco, user spec-user, 2009-01-01T12:00:00Z.
const SPEC = {
  method: 'post',
  path: '/organizations/clownco?q=ignored&rows=10',
  body: 'Spec Body',
  userId: 'spec-user',
  timestamp: new Date('2009-01-01T12:00:00.123Z'),
};
const SHA1_BODY = 'DFteJZPVv6WKdQmMqZUQUumUyRs=';
const SHA256_BODY = 'hDlKNZhIhgso3Fs0S0pZwJ0xyBWtR1RBaeHs1DrzOho=';

const CANONICAL_13 = [
  'Method:POST',
  'Path:/organizations/clownco',
  `X-Ops-Content-Hash:${SHA256_BODY}`,
  'X-Ops-Sign:version=1.3',
  'X-Ops-Timestamp:2009-01-01T12:00:00Z',
  'X-Ops-UserId:spec-user',
  'X-Ops-Server-API-Version:1',
].join('\n');

const CANONICAL_10 = [
  'Method:POST',
  'Hashed Path:YtBWDn1blGGuFIuKksdwXzHU9oE=',
  `X-Ops-Content-Hash:${SHA1_BODY}`,
  'X-Ops-Timestamp:2009-01-01T12:00:00Z',
  'X-Ops-UserId:spec-user',
].join('\n');

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** Joins X-Ops-Authorization-1..N back into one signature, as a server does. */
function signatureOf(headers: Record<string, string>): Buffer {
  const parts: string[] = [];
  for (let i = 1; headers[`X-Ops-Authorization-${i}`] !== undefined; i++) parts.push(headers[`X-Ops-Authorization-${i}`]!);
  return Buffer.from(parts.join(''), 'base64');
}

describe('chef signing: canonical pieces', () => {
  it('formats the timestamp in UTC without milliseconds', () => {
    expect(chefTimestamp(SPEC.timestamp)).toBe('2009-01-01T12:00:00Z');
  });

  it('signs the path without query string, repeated or trailing slashes', () => {
    expect(canonicalPath('/search/node?q=tags:a AND b&rows=1000')).toBe('/search/node');
    expect(canonicalPath('//organizations//acme/nodes/')).toBe('/organizations/acme/nodes');
    expect(canonicalPath('/')).toBe('/');
  });

  it('hashes the body with sha256 for 1.3 and sha1 for 1.0', () => {
    expect(contentHash(SPEC.body, '1.3')).toBe(SHA256_BODY);
    expect(contentHash(SPEC.body, '1.0')).toBe(SHA1_BODY);
    expect(contentHash('', '1.3')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('builds the exact 1.3 and 1.0 canonical strings', () => {
    const common = { method: SPEC.method, path: SPEC.path, userId: SPEC.userId, timestamp: '2009-01-01T12:00:00Z' };
    expect(canonicalRequest({ ...common, contentHash: SHA256_BODY, version: '1.3' })).toBe(CANONICAL_13);
    expect(canonicalRequest({ ...common, contentHash: SHA1_BODY, version: '1.0' })).toBe(CANONICAL_10);
  });

  it('splits the signature into 60-character headers numbered from 1', () => {
    const signature = 'A'.repeat(60) + 'B'.repeat(60) + 'C'.repeat(5);
    expect(authorizationHeaders(signature)).toEqual({
      'X-Ops-Authorization-1': 'A'.repeat(60),
      'X-Ops-Authorization-2': 'B'.repeat(60),
      'X-Ops-Authorization-3': 'CCCCC',
    });
  });
});

describe('chef signing: signatures a server can verify', () => {
  it('1.3: RSA-SHA256 over the canonical string, with all the X-Ops headers', () => {
    const headers = signRequest({ ...SPEC, privateKeyPem: privateKey });
    expect(headers['X-Ops-Sign']).toBe('algorithm=sha256;version=1.3');
    expect(headers['X-Ops-UserId']).toBe('spec-user');
    expect(headers['X-Ops-Timestamp']).toBe('2009-01-01T12:00:00Z');
    expect(headers['X-Ops-Content-Hash']).toBe(SHA256_BODY);
    expect(headers['X-Ops-Server-API-Version']).toBe('1');
    // 2048-bit key: 256 bytes → 344 base64 characters → 6 headers, the last one short
    expect(headers['X-Ops-Authorization-6']).toHaveLength(344 - 5 * 60);
    expect(headers['X-Ops-Authorization-7']).toBeUndefined();
    expect(verify('sha256', Buffer.from(CANONICAL_13), publicKey, signatureOf(headers))).toBe(true);
    expect(verify('sha256', Buffer.from(`${CANONICAL_13} `), publicKey, signatureOf(headers))).toBe(false);
  });

  it('1.0: PKCS#1 private-encrypt of the canonical string itself', () => {
    const headers = signRequest({ ...SPEC, privateKeyPem: privateKey, version: '1.0' });
    expect(headers['X-Ops-Sign']).toBe('algorithm=sha1;version=1.0');
    expect(headers['X-Ops-Content-Hash']).toBe(SHA1_BODY);
    const decrypted = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signatureOf(headers));
    expect(decrypted.toString('utf8')).toBe(CANONICAL_10);
  });

  it('signs a body-less request with the hash of the empty string', () => {
    const headers = signRequest({ method: 'GET', path: '/nodes', body: '', userId: 'u', privateKeyPem: privateKey, timestamp: SPEC.timestamp });
    expect(headers['X-Ops-Content-Hash']).toBe(createHash('sha256').update('').digest('base64'));
  });
});
