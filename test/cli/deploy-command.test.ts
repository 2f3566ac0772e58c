import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentId } from '../../src/api/deployment-service.ts';
import type { DeployRequest } from '../../src/domain/deploy-request.ts';
import type { ReplayOptions } from '../../src/replay.ts';
import { deployWorkflowId } from '../../src/workflows/definitions.ts';
import { type Goiardi, startGoiardi } from '../fleet/goiardi.ts';
import { run } from './support/harness.ts';
import { type RealApi, startRealApi } from './support/real-api.ts';
import { DeploymentWriter } from './support/states.ts';

// `deploy` and `logs` against the real API and a real Chef (goiardi) for the
// dry run. Deploys really start and queue on Temporal; what `--follow` sees
// change between two polls is written into the real store, as the worker's
// activities write it, from the CLI's own `sleep`.

let chef: Goiardi;
let api: RealApi;
beforeAll(async () => {
  chef = await startGoiardi();
  for (const [i, name] of ['shop-vm1', 'shop-vm2', 'shop-vm3'].entries()) {
    await chef.admin.upsertNode({ name, environment: 'production', tags: ['app-shop'], ipaddress: `10.0.0.${i + 1}` });
  }
  await chef.admin.upsertNode({ name: 'shop-lb1', environment: 'production', tags: ['lb-shop'], ipaddress: '10.0.0.9' });
  const deployer = await chef.admin.createClient('vesemir', false);
  const keyPath = join(mkdtempSync(join(tmpdir(), 'vesemir-chef-')), 'vesemir.pem');
  writeFileSync(keyPath, deployer.privateKeyPem, { mode: 0o600 });
  api = await startRealApi({ env: { CHEF_SERVER_URL: chef.url, CHEF_CLIENT_NAME: 'vesemir', CHEF_KEY_PATH: keyPath } });
}, 60_000);
afterAll(async () => {
  await api?.close();
  await chef?.stop();
});

const sha = 'a'.repeat(64);
/** A complete deploy of shop v2 to `environment` as flags. */
const flags = (environment: string) => [
  ...['--application', 'shop', '--environment', environment, '--team', 'payments', '--version', 'v2'],
  ...['--artifact-url', 'https://artifacts.example.com/shop-v2.tar.gz', '--artifact-sha256', sha, '--health-port', '8000', '--concurrency', '1'],
];
const idFor = (environment: string, key: string) => deploymentId({ team: 'payments', application: 'shop', environment } as DeployRequest, key);

/**
 * `deploy --follow` of a deploy of staging (queued behind the deploy holding
 * staging's turn, so only the test writes its state): the deploy is created
 * first with `key` and shown RUNNING mid-way; the same command with `--follow`
 * then finds it by its key and follows it, `advance(n)` writing the next state at its n-th sleep.
 */
async function follow(key: string, advance: (sleeps: number, d: DeploymentWriter) => Promise<void>, extra: string[], tty = false) {
  await api.heldBy('staging');
  const argv = ['deploy', ...flags('staging'), '--idempotency-key', key, '--api', api.url];
  expect((await run(argv)).code).toBe(0);
  const d = new DeploymentWriter(api.ctx.store, idFor('staging', key));
  await d.running();
  let sleeps = 0;
  const sleep = async () => advance(++sleeps, d);
  return { d, ...(await run([...argv, '--follow', ...extra], { tty, deps: { sleep } })) };
}

describe('deploy', () => {
  it('POSTs the flags as the body with the Idempotency-Key, and prints the id', async () => {
    const argv = ['deploy', ...flags('production'), '--chef-tag', 'a', '--chef-tag', 'b', '--concurrency', '3', '--no-queue', '--idempotency-key', 'k-1'];
    const { code, stdout, stderr } = await run([...argv, '--api', api.url]);
    expect([code, stderr]).toEqual([0, '']);
    // The id is the one the API derives from the key: the header reached it.
    const id = idFor('production', 'k-1');
    expect(stdout).toBe(`${id} QUEUED\n  ${api.uiLink(deployWorkflowId(id))}\n`);
    const { request } = await api.client.getDeployment(id);
    expect(request).toMatchObject({ application: 'shop', version: 'v2', chef: { tags: ['a', 'b'] }, concurrency: 3, queue: false });
    // The same key answers the same deployment.
    expect((await run([...argv, '--api', api.url])).stdout.split(' ')[0]).toBe(id);
  });

  it('--dry-run asks for ?dryRun=true and prints the hosts, load balancers and phases', async () => {
    const before = (await api.client.listDeployments({ application: 'shop' })).deployments.length;
    const gates = ['--canary', '1', '--require-approval', '--bake', '60', '--concurrency', '2', '--auto-rollback'];
    const { code, stdout, stderr } = await run(['deploy', ...flags('production'), ...gates, '--dry-run', '--api', api.url]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'dry run: shop v2 → production (nothing was deployed)',
      '  hosts          3  tags:app\\-shop AND chef_environment:production',
      '    shop-vm1  10.0.0.1',
      '    shop-vm2  10.0.0.2',
      '    shop-vm3  10.0.0.3',
      '  load balancers shop-lb1  tags:lb\\-shop AND chef_environment:production',
      '  failure budget 0 failed host(s), then roll back the hosts done',
      '  phase 1  1 host(s), 1 at a time, then wait for approve, bake 60s: shop-vm1',
      '  phase 2  2 host(s), 2 at a time: shop-vm2, shop-vm3',
    ]);
    // Nothing was deployed.
    expect((await api.client.listDeployments({ application: 'shop' })).deployments).toHaveLength(before);
  });

  it('--follow off a terminal appends a line per change and exits 1 with the failure when the deploy FAILS', async () => {
    const { d, code, stdout } = await follow('follow-fails', async (n, w) => (n === 2 ? w.failed() : undefined), []);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `deployment ${d.id}`,
      `  ${api.uiLink(deployWorkflowId(d.id))}`,
      'deployment RUNNING',
      'hosts: shop-vm1, shop-vm2, shop-vm3',
    ]);
    expect(lines.filter((l) => l === 'shop-vm2  restart started')).toHaveLength(1);
    expect(lines).toContain('shop-vm2  health FAILED 2.0s: health: not healthy after 2s: HTTP 500');
    expect(lines.slice(-5)).toEqual([
      '  shop-vm2 ROLLED_BACK: step health failed (attempt 1): not healthy after 2s: HTTP 500 (HealthCheckFailed)',
      '    │ GET /health -> HTTP 500',
      '    │ GET /health -> HTTP 500',
      '    │ broken release',
      '    docs: docs/runbook.md#healthcheckfailed',
    ]);
    expect(stdout).not.toContain('\x1b[');
  });

  it('--follow on a terminal redraws the host rows in place and exits 0 on SUCCEEDED', async () => {
    const { code, stdout } = await follow('follow-succeeds', async (n, w) => (n === 2 ? w.succeeded() : undefined), ['--no-color'], true);
    expect(code).toBe(0);
    // 4 lines drawn (header + 3 hosts), then the cursor goes back 4 lines for each redraw.
    expect(stdout).toContain('\x1b[4F');
    expect(stdout.match(/shop-vm2 {2}RUNNING/g)?.length).toBeGreaterThan(1);
    expect(stdout.endsWith('\x1b[?25h✓ deployment SUCCEEDED in 3.0s: 3/3 hosts done\n')).toBe(true);
  });

  it('--follow --json prints the final deployment as JSON', async () => {
    const { d, code, stdout } = await follow('follow-json', async (n, w) => (n === 1 ? w.failed() : undefined), ['--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual(await api.client.getDeployment(d.id));
    expect(JSON.parse(stdout)).toMatchObject({ status: 'FAILED', error: 'shop-vm2 failed: health' });
  });
});

describe('logs', () => {
  it('asks for one host and step and prints the command and output', async () => {
    const d = await api.queued('staging');
    await d.step('shop-vm1', 'stage', 0, 100, { command: 'run stage', exitCode: 0, stdout: 'stage out' });
    await d.step('shop-vm1', 'drain', 100, 400, { command: 'run drain', exitCode: 0, stdout: 'drain out' });
    await d.step('shop-vm2', 'drain', 100, 200, { command: 'run drain', exitCode: 0, stdout: 'other host' });
    const { code, stdout } = await run(['logs', d.id, '--host', 'shop-vm1', '--step', 'drain', '--api', api.url]);
    expect(code).toBe(0);
    expect(stdout).toBe('── shop-vm1 · drain · attempt 1 · SUCCEEDED · exit 0 · 300ms\n  $ run drain\n  drain out\n');
  });

  it('--follow prints each step once, when it has finished, until the deploy ends', async () => {
    const d = await api.queued('staging');
    await api.ctx.store.setStatus(d.id, 'RUNNING', new Date());
    await d.step('shop-vm1', 'stage', 0);
    const advance = [
      async () => {
        await d.step('shop-vm1', 'stage', 0, 300);
        await d.step('shop-vm1', 'drain', 300);
      },
      async () => {
        await d.step('shop-vm1', 'drain', 300, 600);
        await api.ctx.store.setStatus(d.id, 'SUCCEEDED', new Date());
      },
    ];
    const sleep = async () => advance.shift()?.();
    const { code, stdout } = await run(['logs', d.id, '--follow', '--json', '--api', api.url], { deps: { sleep } });
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step),
    ).toEqual(['stage', 'drain']);
  });
});

describe('replay', () => {
  it('prints OK per workflow, or the error and exits 1; the Temporal address comes from the flag or TEMPORAL_ADDRESS', async () => {
    const calls: ReplayOptions[] = [];
    const replay = async (o: ReplayOptions) => {
      calls.push(o);
      return o.deploymentId === 'd-good'
        ? [{ workflowId: 'deploy-d-good', ok: true }]
        : [
            { workflowId: 'deploy-d-bad', ok: true },
            { workflowId: 'host-d-bad-vm1', ok: false, error: 'Nondeterminism: activity drain' },
          ];
    };
    const good = await run(['replay', 'd-good', '--save', '/tmp/h'], { env: { TEMPORAL_ADDRESS: '10.0.0.1:7233', TEMPORAL_TLS: 'on' }, deps: { replay } });
    expect([good.code, good.stdout]).toEqual([0, 'OK    deploy-d-good\nhistories saved in /tmp/h\n']);
    const bad = await run(['replay', 'd-bad', '--temporal-address', '127.0.0.1:7999', '--namespace', 'ops'], { deps: { replay } });
    expect([bad.code, bad.stdout]).toEqual([1, 'OK    deploy-d-bad\nFAIL  host-d-bad-vm1: Nondeterminism: activity drain\n']);
    const down = await run(['replay', 'd-x'], { deps: { replay: async () => Promise.reject(new Error('Failed to connect before the deadline')) } });
    expect([down.code, down.stderr]).toEqual([
      2,
      'error: replay of d-x against Temporal at 127.0.0.1:7233 (namespace default): Failed to connect before the deadline\n',
    ]);
    expect(calls).toEqual([
      // The service's TEMPORAL_TLS* variables reach the same cluster.
      { address: '10.0.0.1:7233', namespace: 'default', connection: { tls: {} }, deploymentId: 'd-good', saveDir: '/tmp/h' },
      { address: '127.0.0.1:7999', namespace: 'ops', connection: {}, deploymentId: 'd-bad', saveDir: undefined },
    ]);
  });
});
