/**
 * Chef request signing ("mixlib-authentication"), pure: no clock, no I/O.
 * The server rebuilds the same canonical string from the request and checks
 * the signature against the client's public key, so every byte matters.
 */
import { constants, createHash, privateEncrypt, sign } from 'node:crypto';

export type ChefSignVersion = '1.0' | '1.3';

/** Chef splits the base64 signature into headers of this many characters. */
export const SIGNATURE_CHUNK_LENGTH = 60;

/** The API version announced with protocol 1.3 (it is part of the signed string). */
export const SERVER_API_VERSION = '1';

export interface CanonicalRequestInput {
  method: string;
  /** Request path; a query string is cut off, as the server ignores it. */
  path: string;
  /** base64 digest of the body (see {@link contentHash}). */
  contentHash: string;
  userId: string;
  /** Already formatted with {@link chefTimestamp}. */
  timestamp: string;
  version: ChefSignVersion;
}

export interface SignRequestInput {
  method: string;
  path: string;
  /** The exact bytes sent; '' for a request without a body. */
  body: string | Buffer;
  userId: string;
  privateKeyPem: string;
  timestamp: Date;
  /** @default '1.3' */
  version?: ChefSignVersion;
}

/** ISO 8601 in UTC without milliseconds: `2024-05-01T12:34:56Z`. */
export function chefTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** Path as signed: no query string, no repeated slashes, no trailing slash (except '/'). */
export function canonicalPath(path: string): string {
  const withoutQuery = path.split('?', 1)[0] ?? '';
  const squeezed = withoutQuery.replace(/\/+/g, '/');
  return squeezed.length > 1 ? squeezed.replace(/\/$/, '') : squeezed;
}

function digestAlgorithm(version: ChefSignVersion): 'sha1' | 'sha256' {
  return version === '1.0' ? 'sha1' : 'sha256';
}

function base64Digest(algorithm: 'sha1' | 'sha256', data: string | Buffer): string {
  return createHash(algorithm).update(data).digest('base64');
}

/** `X-Ops-Content-Hash`: base64 of sha1 (1.0) or sha256 (1.3) of the body. */
export function contentHash(body: string | Buffer, version: ChefSignVersion): string {
  return base64Digest(digestAlgorithm(version), body);
}

/** The string the client signs and the server rebuilds. */
export function canonicalRequest(input: CanonicalRequestInput): string {
  const method = input.method.toUpperCase();
  const path = canonicalPath(input.path);
  if (input.version === '1.0') {
    return [
      `Method:${method}`,
      `Hashed Path:${base64Digest('sha1', path)}`,
      `X-Ops-Content-Hash:${input.contentHash}`,
      `X-Ops-Timestamp:${input.timestamp}`,
      `X-Ops-UserId:${input.userId}`,
    ].join('\n');
  }
  return [
    `Method:${method}`,
    `Path:${path}`,
    `X-Ops-Content-Hash:${input.contentHash}`,
    `X-Ops-Sign:version=${input.version}`,
    `X-Ops-Timestamp:${input.timestamp}`,
    `X-Ops-UserId:${input.userId}`,
    `X-Ops-Server-API-Version:${SERVER_API_VERSION}`,
  ].join('\n');
}

/** `X-Ops-Authorization-1..N`, 60 base64 characters each. */
export function authorizationHeaders(signatureBase64: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i * SIGNATURE_CHUNK_LENGTH < signatureBase64.length; i++) {
    const start = i * SIGNATURE_CHUNK_LENGTH;
    headers[`X-Ops-Authorization-${i + 1}`] = signatureBase64.slice(start, start + SIGNATURE_CHUNK_LENGTH);
  }
  return headers;
}

/** Signs the canonical string: RSA-SHA256 for 1.3, raw PKCS#1 private-encrypt for 1.0. */
export function signCanonical(canonical: string, privateKeyPem: string, version: ChefSignVersion): string {
  const data = Buffer.from(canonical, 'utf8');
  const signature =
    version === '1.0' ? privateEncrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_PADDING }, data) : sign('sha256', data, privateKeyPem);
  return signature.toString('base64');
}

/** All authentication headers for one request. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const version = input.version ?? '1.3';
  const timestamp = chefTimestamp(input.timestamp);
  const hash = contentHash(input.body, version);
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    contentHash: hash,
    userId: input.userId,
    timestamp,
    version,
  });
  return {
    'X-Ops-Sign': `algorithm=${digestAlgorithm(version)};version=${version}`,
    'X-Ops-UserId': input.userId,
    'X-Ops-Timestamp': timestamp,
    'X-Ops-Content-Hash': hash,
    'X-Ops-Server-API-Version': SERVER_API_VERSION,
    ...authorizationHeaders(signCanonical(canonical, input.privateKeyPem, version)),
  };
}
