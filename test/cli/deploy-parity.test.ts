import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './support/harness.ts';
import { type RealApi, startRealApi } from './support/real-api.ts';

// Every field of the deploy request has a flag, and `--from` starts again from
// an earlier deployment's request: the CLI against the real API, which
// validates, stores and starts each request it accepts.

let api: RealApi;
beforeAll(async () => {
  api = await startRealApi();
}, 60_000);
afterAll(() => api?.close());

/** The deployment `deploy` printed the id of: as the API stored it. */
const created = async (stdout: string) => api.client.getDeployment(stdout.split(' ')[0]!);

const sha = (c: string) => c.repeat(64);
const v2 = [
  ...['--application', 'shop', '--environment', 'production', '--team', 'payments', '--version', 'v2'],
  ...['--artifact-url', 'https://artifacts.example.com/shop-v2.tar.gz', '--artifact-sha256', sha('a')],
  ...['--health-port', '8000', '--health-path', '/ready', '--backend', 'shop', '--degradation-seconds', '60'],
];

describe('deploy flags', () => {
  it('canary, approval, bake, auto-rollback, a ramp and the failure budget', async () => {
    const parity = ['--canary', '1', '--require-approval', '--bake', '60', '--auto-rollback', '--concurrency', '1,2,50%', '--max-failed-hosts', '1'];
    const { code, stdout, stderr } = await run(['deploy', ...v2, ...parity, '--api', api.url]);
    expect([code, stderr]).toEqual([0, '']);
    expect((await created(stdout)).request).toMatchObject({
      canary: { hosts: 1, requireApproval: true, bakeSeconds: 60 },
      autoRollback: true,
      concurrency: [1, 2, '50%'],
      maxFailedHosts: 1,
    });
    expect((await run(['deploy', '--concurrency', '1,two'])).stderr).toContain('not a host count or a ramp like 1,2,50%: 1,two');
  });

  it("--from <id> redeploys with the previous request's settings and the new release", async () => {
    const first = await run(['deploy', ...v2, '--concurrency', '2', '--canary', '1', '--api', api.url]);
    expect(first.code).toBe(0);
    const previous = await created(first.stdout);
    const v3 = ['--version', 'v3', '--artifact-url', 'https://artifacts.example.com/shop-v3.tar.gz', '--artifact-sha256', sha('b')];
    const { code, stdout, stderr } = await run(['deploy', '--from', previous.id, ...v3, '--api', api.url]);
    expect([code, stderr]).toEqual([0, '']);
    const again = await created(stdout);
    expect(again.id).not.toBe(previous.id);
    expect(again.request).toEqual({
      ...previous.request,
      version: 'v3',
      artifact: { url: 'https://artifacts.example.com/shop-v3.tar.gz', sha256: sha('b') },
    });
    expect(again.request?.healthCheck).toEqual({ port: 8000, path: '/ready', timeoutSeconds: 60 });
    // A new version without its artifact would deploy the old release under the new name.
    const bare = await run(['deploy', '--from', again.id, '--version', 'v4', '--api', api.url]);
    expect([bare.code, bare.stderr]).toEqual([
      2,
      `error: --from ${again.id} --version v4: give --artifact-url and --artifact-sha256 too (the previous artifact is v3's)\n`,
    ]);
    expect((await run(['deploy', '--from', 'd-00000009', ...v3, '--api', api.url])).stderr).toMatch(
      /^error: deployment d-00000009 not found \(NotFound, HTTP 404\)/,
    );
  });
});
