import { describe, expect, it } from 'vitest';
import { toFailure } from '../src/activities/failures.ts';
import { provisionerFromConfig } from '../src/app/adapters.ts';
import { ConfigError, loadConfig, missingProvisioningVariables } from '../src/config.ts';

describe('VESEMIR_ROLE and the observability/auth variables', () => {
  it('defaults to everything in one process, with auth and the SDK exporter off', () => {
    const config = loadConfig({});
    expect(config.VESEMIR_ROLE).toBe('all');
    expect(config.VESEMIR_TOKENS_FILE).toBeUndefined();
    expect(config.TEMPORAL_METRICS_BIND_ADDRESS).toBeUndefined();
  });

  it('refuses a split role without a shared Temporal and database, naming what is missing', () => {
    for (const role of ['api', 'worker']) {
      expect(() => loadConfig({ VESEMIR_ROLE: role })).toThrow(ConfigError);
      expect(() => loadConfig({ VESEMIR_ROLE: role, TEMPORAL_ADDRESS: 't:7233' })).toThrow(`DATABASE_URL: required when VESEMIR_ROLE=${role}`);
      expect(loadConfig({ VESEMIR_ROLE: role, TEMPORAL_ADDRESS: 't:7233', DATABASE_URL: 'postgres://x@db/v' }).VESEMIR_ROLE).toBe(role);
    }
    expect(() => loadConfig({ VESEMIR_ROLE: 'both' })).toThrow(/VESEMIR_ROLE/);
  });

  it('wants host:port for the SDK exporter', () => {
    expect(loadConfig({ TEMPORAL_METRICS_BIND_ADDRESS: '0.0.0.0:9464' }).TEMPORAL_METRICS_BIND_ADDRESS).toBe('0.0.0.0:9464');
    expect(() => loadConfig({ TEMPORAL_METRICS_BIND_ADDRESS: '9464' })).toThrow('TEMPORAL_METRICS_BIND_ADDRESS: expected host:port');
  });
});

describe('VM provisioning variables', () => {
  it('names the missing ones; a worker without them fails every call for good, naming them', async () => {
    expect(missingProvisioningVariables(loadConfig({}))).toEqual(['PROCTOR_URL', 'PROCTOR_EMAIL_ID', 'PROCTOR_ACCESS_TOKEN_PATH']);
    const partial = loadConfig({ PROCTOR_URL: 'http://proctor.test', PROCTOR_EMAIL_ID: 'v@example.com' });
    expect(missingProvisioningVariables(partial)).toEqual(['PROCTOR_ACCESS_TOKEN_PATH']);
    const refusal = await provisionerFromConfig(partial)
      .status('proctor-1')
      .catch((err: unknown) => err);
    const failure = toFailure(refusal);
    expect(failure).toMatchObject({
      type: 'ProvisioningNotConfigured',
      nonRetryable: true,
      message: 'VM provisioning (Proctor) is not configured: set PROCTOR_ACCESS_TOKEN_PATH',
    });
  });
});
