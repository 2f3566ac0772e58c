import { describe, expect, it } from 'vitest';
import { type PlanJson, planLines } from '../../src/cli/render/plan.ts';
import { createStyle } from '../../src/cli/style.ts';

// A plan shape from a newer server than this CLI: no real API of this version
// answers one, so it is tested here, on the renderer.

describe('dry-run plan', () => {
  it('a plan shape this CLI does not know yet is shown whole', () => {
    const plan = { dryRun: true, batches: [['a']] } as unknown as PlanJson;
    expect(`${planLines(plan, createStyle(false)).join('\n')}\n`).toBe('dry run: nothing was deployed\ndryRun: true\nbatches:\n  - - a\n');
  });
});
