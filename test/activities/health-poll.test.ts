import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_POLL, healthPollDelay } from '../../src/activities/deps.ts';
import { loadConfig } from '../../src/config.ts';

describe('the health poll', () => {
  it('starts fast and backs off 1.5× per probe up to its maximum', () => {
    const pauses = Array.from({ length: 8 }, (_, i) => healthPollDelay(i + 1, DEFAULT_HEALTH_POLL));
    expect(pauses).toEqual([100, 150, 225, 338, 506, 759, 1000, 1000]);
    // A release up after 500 ms is seen at the probe after 0.1+0.15+0.225+0.338 = 0.813 s at the latest.
    expect(pauses.slice(0, 4).reduce((a, b) => a + b)).toBe(813);
  });

  it('is set by VESEMIR_HEALTH_POLL_MS and VESEMIR_HEALTH_POLL_MAX_MS, the maximum no less than the first', () => {
    const config = loadConfig({ VESEMIR_HEALTH_POLL_MS: '50', VESEMIR_HEALTH_POLL_MAX_MS: '400' });
    expect([config.VESEMIR_HEALTH_POLL_MS, config.VESEMIR_HEALTH_POLL_MAX_MS]).toEqual([50, 400]);
    expect(loadConfig({}).VESEMIR_HEALTH_POLL_MS).toBe(DEFAULT_HEALTH_POLL.firstMs);
    expect(loadConfig({}).VESEMIR_HEALTH_POLL_MAX_MS).toBe(DEFAULT_HEALTH_POLL.maxMs);
    expect(() => loadConfig({ VESEMIR_HEALTH_POLL_MS: '500', VESEMIR_HEALTH_POLL_MAX_MS: '200' })).toThrow(
      /VESEMIR_HEALTH_POLL_MAX_MS: 200 is less than VESEMIR_HEALTH_POLL_MS \(500\)/,
    );
    expect(() => loadConfig({ VESEMIR_HEALTH_POLL_MS: '5' })).toThrow(/VESEMIR_HEALTH_POLL_MS/);
  });
});
