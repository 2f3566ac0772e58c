import { describe, expect, it } from 'vitest';
import { foundAsConfigured } from '../../src/domain/haproxy-weights.ts';

describe('foundAsConfigured: a HAProxy record a rollback can do without', () => {
  it('is true only when every box had the server ready at its configured weight', () => {
    expect(foundAsConfigured([{ lb: 'lb1', admin: 'ready', weight: 1, initialWeight: 1 }])).toBe(true);
    expect(
      foundAsConfigured([
        { lb: 'lb1', admin: 'ready', weight: 100, initialWeight: 100 },
        { lb: 'lb2', admin: 'ready', weight: 100, initialWeight: 100 },
      ]),
    ).toBe(true);
  });

  it('is false for a hand-set weight, a drain or maintenance on any box', () => {
    expect(foundAsConfigured([{ lb: 'lb1', admin: 'ready', weight: 30, initialWeight: 100 }])).toBe(false);
    expect(
      foundAsConfigured([
        { lb: 'lb1', admin: 'ready', weight: 100, initialWeight: 100 },
        { lb: 'lb2', admin: 'drain', weight: 100, initialWeight: 100 },
      ]),
    ).toBe(false);
    expect(foundAsConfigured([{ lb: 'lb1', admin: 'maint', weight: 100, initialWeight: 100 }])).toBe(false);
  });
});
