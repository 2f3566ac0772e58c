import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

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
