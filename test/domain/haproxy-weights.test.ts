import { describe, expect, it } from 'vitest';
import { enableNote, enableWeight, foundNote, fullWeight, inMaintenance, type LbFound } from '../../src/domain/haproxy-weights.ts';

const ready = (weight: number, initialWeight = weight): LbFound => ({ lb: 'lb-a', admin: 'ready', weight, initialWeight });

describe('weights of a deploy', () => {
  it('returns a host to the weight found before the deploy, else the configured one, never 0', () => {
    expect(fullWeight(ready(100))).toBe(100);
    expect(fullWeight(ready(50, 100))).toBe(50);
    expect(fullWeight(ready(0, 100))).toBe(100);
    expect(fullWeight(ready(0, 0))).toBe(1);
    expect(fullWeight(ready(1))).toBe(1);
    expect(fullWeight(ready(256))).toBe(256);
  });

  it('computes the absolute enable weight from the full weight', () => {
    expect(enableWeight(ready(100), 10)).toEqual({ weight: 10, fullWeight: 100, raisedToMinimum: false });
    expect(enableWeight(ready(256), 10)).toEqual({ weight: 25, fullWeight: 256, raisedToMinimum: false });
    expect(enableWeight(ready(50, 100), 10)).toEqual({ weight: 5, fullWeight: 50, raisedToMinimum: false });
    expect(enableWeight(ready(3), 50)).toEqual({ weight: 1, fullWeight: 3, raisedToMinimum: false });
    expect(enableWeight(ready(256), 100)).toEqual({ weight: 256, fullWeight: 256, raisedToMinimum: false });
  });

  it('raises a percent the weight cannot express to the smallest non-zero weight', () => {
    expect(enableWeight(ready(1), 10)).toEqual({ weight: 1, fullWeight: 1, raisedToMinimum: true });
    expect(enableWeight(ready(9), 10)).toEqual({ weight: 1, fullWeight: 9, raisedToMinimum: true });
    expect(enableWeight(ready(1), 100)).toEqual({ weight: 1, fullWeight: 1, raisedToMinimum: false });
    expect(enableWeight(ready(0, 1), 99)).toEqual({ weight: 1, fullWeight: 1, raisedToMinimum: true });
  });

  it('refuses a percent outside 1..100', () => {
    for (const bad of [0, 101, 2.5]) expect(() => enableWeight(ready(100), bad)).toThrow(`invalid weight percent ${bad}: use an integer 1..100`);
  });

  it('takes a server out of rotation on any box as in maintenance', () => {
    expect(inMaintenance([ready(100), { ...ready(100), lb: 'lb-b' }])).toBe(false);
    expect(inMaintenance([ready(100), { ...ready(100), lb: 'lb-b', admin: 'maint' }])).toBe(true);
    expect(inMaintenance([{ ...ready(100), admin: 'drain' }])).toBe(true);
    expect(inMaintenance([])).toBe(false);
  });

  it('writes the step-record lines as exact strings', () => {
    expect(foundNote('app', 'vm3', { lb: 'lb-a', admin: 'maint', weight: 50, initialWeight: 100 })).toBe(
      'lb-a: app/vm3 found maint at weight 50 (configured 100)',
    );
    expect(enableNote('app', 'vm1', 'lb-a', 10, enableWeight(ready(100), 10))).toBe('lb-a: app/vm1 ready at weight 10 (10% of 100)');
    expect(enableNote('app', 'vm1', 'lb-a', 10, enableWeight(ready(1), 10))).toBe(
      'lb-a: app/vm1 ready at weight 1 (10% of 1): 10% of weight 1 rounds down to 0, raised to the smallest non-zero weight 1',
    );
  });
});
