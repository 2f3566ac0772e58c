import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';

/** How the API and the worker reach TEMPORAL_ADDRESS: the same for the client and the worker's native connection. */
export interface TemporalConnectionOptions {
  tls?: TLSConfig | undefined;
  /** A secret: passed to the SDK, never logged or put in a payload. */
  apiKey?: string | undefined;
}

type ConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY_PATH'
>;

/**
 * Reads and checks the TLS files and the API key at start, so a wrong path or
 * a key that does not match its certificate stops the process naming the
 * variable, instead of surfacing later as an opaque handshake failure.
 */
export function temporalConnectionOptions(config: ConnectionConfig): TemporalConnectionOptions {
  const issues: string[] = [];
  const read = (key: keyof ConnectionConfig): Buffer | undefined => {
    const path = config[key];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      issues.push(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return undefined;
    }
  };
  const ca = read('TEMPORAL_TLS_CA_PATH');
  const crt = read('TEMPORAL_TLS_CERT_PATH');
  const key = read('TEMPORAL_TLS_KEY_PATH');
  const apiKey = read('TEMPORAL_API_KEY_PATH')?.toString('utf8').trim();

  if (ca) checkPem('TEMPORAL_TLS_CA_PATH', () => new X509Certificate(ca), issues);
  if (Boolean(config.TEMPORAL_TLS_CERT_PATH) !== Boolean(config.TEMPORAL_TLS_KEY_PATH)) {
    issues.push('TEMPORAL_TLS_CERT_PATH: set both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH (mTLS), or neither');
  } else if (crt && key) {
    const cert = checkPem('TEMPORAL_TLS_CERT_PATH', () => new X509Certificate(crt), issues);
    const privateKey = checkPem('TEMPORAL_TLS_KEY_PATH', () => createPrivateKey(key), issues);
    if (cert && privateKey && !cert.checkPrivateKey(privateKey))
      issues.push('TEMPORAL_TLS_KEY_PATH: the key does not belong to the certificate in TEMPORAL_TLS_CERT_PATH');
  }
  if (config.TEMPORAL_API_KEY_PATH && apiKey === '') issues.push(`TEMPORAL_API_KEY_PATH: ${config.TEMPORAL_API_KEY_PATH} is empty`);

  const wantsTls = Boolean(ca || crt || config.TEMPORAL_TLS_SERVER_NAME || apiKey);
  if (config.TEMPORAL_TLS === 'off' && wantsTls) {
    issues.push('TEMPORAL_TLS: off, but TLS files, a server name or an API key are set (an API key must not travel in clear text)');
  }
  if (!config.TEMPORAL_ADDRESS && (wantsTls || config.TEMPORAL_TLS === 'on')) {
    issues.push('TEMPORAL_ADDRESS: required with TLS or an API key (the embedded dev server speaks plain gRPC)');
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const tlsOn = config.TEMPORAL_TLS === 'on' || (config.TEMPORAL_TLS === undefined && wantsTls);
  const tls: TLSConfig | undefined = tlsOn
    ? {
        ...(ca ? { serverRootCACertificate: ca } : {}),
        ...(crt && key ? { clientCertPair: { crt, key } } : {}),
        ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : undefined;
  return { tls, ...(apiKey ? { apiKey } : {}) };
}

function checkPem<T>(key: string, parse: () => T, issues: string[]): T | undefined {
  try {
    return parse();
  } catch (err) {
    issues.push(`${key}: not a PEM ${key.endsWith('KEY_PATH') ? 'private key' : 'certificate'} (${(err as Error).message})`);
    return undefined;
  }
}

/** The same settings from raw variables (the CLI's `replay`, which does not load the service's whole configuration). */
export function temporalConnectionFromEnv(env: Record<string, string | undefined>): TemporalConnectionOptions {
  const value = (key: string) => (env[key] === '' ? undefined : env[key]);
  const tls = value('TEMPORAL_TLS');
  if (tls !== undefined && tls !== 'on' && tls !== 'off') throw new ConfigError([`TEMPORAL_TLS: expected on or off, got ${tls}`]);
  return temporalConnectionOptions({
    TEMPORAL_ADDRESS: value('TEMPORAL_ADDRESS'),
    TEMPORAL_TLS: tls,
    TEMPORAL_TLS_CA_PATH: value('TEMPORAL_TLS_CA_PATH'),
    TEMPORAL_TLS_CERT_PATH: value('TEMPORAL_TLS_CERT_PATH'),
    TEMPORAL_TLS_KEY_PATH: value('TEMPORAL_TLS_KEY_PATH'),
    TEMPORAL_TLS_SERVER_NAME: value('TEMPORAL_TLS_SERVER_NAME'),
    TEMPORAL_API_KEY_PATH: value('TEMPORAL_API_KEY_PATH'),
  });
}
