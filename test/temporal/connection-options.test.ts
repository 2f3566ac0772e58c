import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalConnectionFromEnv, temporalConnectionOptions } from '../../src/temporal/connection-options.ts';
import { makeTestCa } from '../support/test-ca.ts';

const ca = makeTestCa();
const client = ca.client();
const other = ca.client('other');
const apiKey = join(ca.dir, 'api-key');
writeFileSync(apiKey, 'tmprl-secret\n');
afterAll(() => ca.remove());

const address = { TEMPORAL_ADDRESS: 'temporal.example.com:7233' };

describe('Temporal connection settings', () => {
  it('are plain gRPC when nothing is set', () => {
    expect(temporalConnectionOptions(address)).toEqual({ tls: undefined });
  });

  it('turn TLS on with a CA, a client pair, a server name or an API key, and carry what was read', () => {
    const options = temporalConnectionOptions({
      ...address,
      TEMPORAL_TLS_CA_PATH: ca.ca.cert,
      TEMPORAL_TLS_CERT_PATH: client.cert,
      TEMPORAL_TLS_KEY_PATH: client.key,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    });
    expect(options.tls?.serverRootCACertificate?.toString()).toBe(ca.read(ca.ca.cert).toString());
    expect(options.tls?.clientCertPair?.crt.toString()).toBe(ca.read(client.cert).toString());
    expect(options.tls?.serverNameOverride).toBe('frontend.temporal');
    // An API key alone (Temporal Cloud): TLS with the system's roots, the key trimmed of its newline.
    expect(temporalConnectionOptions({ ...address, TEMPORAL_API_KEY_PATH: apiKey })).toEqual({ tls: {}, apiKey: 'tmprl-secret' });
    expect(temporalConnectionOptions({ ...address, TEMPORAL_TLS: 'on' })).toEqual({ tls: {} });
  });

  it('refuse at start, naming each variable: unreadable files, half a pair, a foreign key, TLS off with a key, no address', () => {
    const refusal = (config: Parameters<typeof temporalConnectionOptions>[0]) => {
      try {
        temporalConnectionOptions(config);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ ...address, TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' })).toMatch(/TEMPORAL_TLS_CA_PATH: cannot read \/nonexistent\/ca.pem \(ENOENT\)/);
    expect(refusal({ ...address, TEMPORAL_TLS_CA_PATH: apiKey })).toMatch(/TEMPORAL_TLS_CA_PATH: not a PEM certificate/);
    expect(refusal({ ...address, TEMPORAL_TLS_CERT_PATH: client.cert })).toMatch(
      /TEMPORAL_TLS_CERT_PATH: set both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/,
    );
    expect(refusal({ ...address, TEMPORAL_TLS_CERT_PATH: client.cert, TEMPORAL_TLS_KEY_PATH: other.key })).toMatch(
      /TEMPORAL_TLS_KEY_PATH: the key does not belong to the certificate/,
    );
    expect(refusal({ ...address, TEMPORAL_TLS: 'off', TEMPORAL_API_KEY_PATH: apiKey })).toMatch(/TEMPORAL_TLS: off, but .* an API key are set/);
    expect(refusal({ TEMPORAL_API_KEY_PATH: apiKey })).toMatch(/TEMPORAL_ADDRESS: required with TLS or an API key/);
    // The secret itself never appears in a refusal.
    expect(refusal({ TEMPORAL_API_KEY_PATH: apiKey })).not.toContain('tmprl-secret');
  });

  it('read the same variables from a raw environment (the CLI’s replay), empty meaning unset', () => {
    expect(temporalConnectionFromEnv({ ...address, TEMPORAL_TLS_CA_PATH: '', TEMPORAL_API_KEY_PATH: apiKey })).toEqual({ tls: {}, apiKey: 'tmprl-secret' });
    expect(() => temporalConnectionFromEnv({ ...address, TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS: expected on or off, got yes/);
  });
});
