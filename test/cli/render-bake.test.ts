import { describe, expect, it } from 'vitest';
import { deploymentLines } from '../../src/cli/render/deployment.ts';
import { progressEvents } from '../../src/cli/render/events.ts';
import { createStyle } from '../../src/cli/style.ts';
import type { Deployment } from '../../src/client/index.ts';
import { ALL_STEPS, host, runningDeployment, step, T0 } from './support/fixtures.ts';

// The degradation wait is a workflow timer, not a recorded step: the view
// derives it from the request, between enable's end and full's start.

const plain = createStyle(false);
const enabled = ALL_STEPS.slice(0, 6).map((name, i) => step(name, 'SUCCEEDED', i * 100, i * 100 + 100));
const request = { haproxy: { weight: 10, degradationSeconds: 60 } } as Deployment['request'];

const baking = (extra: Partial<Deployment> = {}) => runningDeployment({ request, hosts: [host('shop-vm1', 'RUNNING', enabled)], ...extra });

describe('the bake wait', () => {
  it('shows as `bake 12s/60s` with a running mark instead of freezing at `enable ok`', () => {
    const [, row] = deploymentLines(baking(), { style: plain, now: T0 + 600 + 12_400 });
    expect(row).toMatch(/shop-vm1 {2}RUNNING +■{6}▸· +13.0s {2}bake 12s\/60s$/);
    // Without a degradation there is no bake: the host goes from enable to full.
    const [, plainRow] = deploymentLines(baking({ request: null }), { style: plain, now: T0 + 13_000 });
    expect(plainRow).toMatch(/■{6}· +\S+ {2}enable ok/);
  });

  it('appends `bake started` and `bake ok` off a terminal', () => {
    const full = step('full', 'SUCCEEDED', 60_600, 60_700);
    const done = baking({ hosts: [host('shop-vm1', 'DONE', [...enabled, full])] });
    expect(progressEvents(undefined, baking(), plain)).toContain('shop-vm1  bake started');
    expect(progressEvents(baking(), done, plain)).toEqual(['shop-vm1  bake ok 1m00s', 'shop-vm1  full ok 100ms', 'shop-vm1  DONE']);
  });
});
