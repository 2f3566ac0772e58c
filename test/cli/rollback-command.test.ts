import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './support/harness.ts';
import { type RealApi, startRealApi } from './support/real-api.ts';

// `vesemir rollback` against the real API: its refusals and what it asks
// for. A rollback that runs to the end, from the CLI, is in
// test/integration/rollback.test.ts (it needs a fleet).

let api: RealApi;
beforeAll(async () => {
  api = await startRealApi();
}, 60_000);
afterAll(() => api?.close());

describe('vesemir rollback', () => {
  it("prints the API's reason and exits 2 for a deploy that did not succeed", async () => {
    const d = await api.queued('staging');
    await d.running();
    await d.failed();
    const refused = await run(['rollback', d.id, '--reason', 'v2 breaks checkout', '--api', api.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^error: .*${d.id}.* \\(RollbackNotPossible, HTTP 409\\)\\n`));
    // The deploy it refused is left as it was.
    expect((await api.client.getDeployment(d.id)).rolledBackBy).toBeNull();
  });

  it('--application/--environment looks for the latest SUCCEEDED deployment, and says so when there is none', async () => {
    const none = await run(['rollback', '--application', 'shop', '--environment', 'dev', '--api', api.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: no SUCCEEDED deployment of shop/dev to roll back\n');
  });

  it('without an id or a whole target it says what to give; an unknown id is the API’s 404', async () => {
    const usage = await run(['rollback', '--application', 'shop', '--api', api.url]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--application and --environment');
    const unknown = await run(['rollback', 'd-0000000000000000', '--api', api.url]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/^error: deployment d-0000000000000000 not found \(NotFound, HTTP 404\)/)]);
  });
});
