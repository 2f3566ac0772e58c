import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayOptions } from '../../src/replay.ts';
import { failedDeployment, runningDeployment } from './support/fixtures.ts';
import { fakeApi, run } from './support/harness.ts';

let api: Awaited<ReturnType<typeof fakeApi>>;
afterEach(() => api?.close());

const ID = 'd-0123456789abcdef';
const created = { status: 202, body: { id: ID, status: 'QUEUED', links: { self: `/v1/deployments/${ID}`, temporalUi: `http://ui/deploy-${ID}` } } };
/** Answers the given snapshots one per GET, then the last one forever. */
const sequence =
  (...bodies: unknown[]) =>
  () => ({ body: bodies.length > 1 ? bodies.shift() : bodies[0] });
const succeeded = () => ({ ...runningDeployment(), status: 'SUCCEEDED', durationMs: 3000, hosts: runningDeployment().hosts.slice(0, 1) });

describe('deploy', () => {
  it('POSTs the flags as the body with the Idempotency-Key, and prints the id', async () => {
    api = await fakeApi({ 'POST /v1/deployments': created });
    const argv = [
      'deploy',
      '--application',
      'shop',
      '--version',
      'v2',
      '--chef-tag',
      'a',
      '--chef-tag',
      'b',
      '--concurrency',
      '3',
      '--no-queue',
      '--idempotency-key',
      'k-1',
    ];
    const { code, stdout } = await run([...argv, '--api', api.url]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${ID} QUEUED\n  http://ui/deploy-${ID}\n`);
    expect(api.requests[0]?.body).toEqual({ application: 'shop', version: 'v2', chef: { tags: ['a', 'b'] }, concurrency: 3, queue: false });
    expect(api.requests[0]?.headers['idempotency-key']).toBe('k-1');
  });

  it('--dry-run asks for ?dryRun=true and prints the hosts, load balancers and phases', async () => {
    const plan = {
      dryRun: true,
      application: 'shop',
      environment: 'production',
      version: 'v2',
      chefQuery: 'tags:app-shop',
      loadBalancerQuery: 'tags:lb-shop',
      hosts: [
        { name: 'shop-vm1', address: '10.0.0.1' },
        { name: 'shop-vm2', address: '10.0.0.2' },
        { name: 'shop-vm3', address: '10.0.0.3' },
      ],
      loadBalancers: [{ name: 'shop-lb1', address: '10.0.0.9' }],
      phases: [
        { hosts: ['shop-vm1'], window: 1, gate: { requireApproval: true, bakeSeconds: 60 } },
        { hosts: ['shop-vm2', 'shop-vm3'], window: 2 },
      ],
      maxFailedHosts: 0,
      autoRollback: true,
    };
    api = await fakeApi({ 'POST /v1/deployments': { body: plan } });
    const { code, stdout } = await run(['deploy', '--application', 'shop', '--dry-run', '--api', api.url]);
    expect(code).toBe(0);
    expect(api.requests[0]?.url).toBe('/v1/deployments?dryRun=true');
    expect(stdout.trimEnd().split('\n')).toEqual([
      'dry run: shop v2 → production (nothing was deployed)',
      '  hosts          3  tags:app-shop',
      '    shop-vm1  10.0.0.1',
      '    shop-vm2  10.0.0.2',
      '    shop-vm3  10.0.0.3',
      '  load balancers shop-lb1  tags:lb-shop',
      '  failure budget 0 failed host(s), then roll back the hosts done',
      '  phase 1  1 host(s), 1 at a time, then wait for approve, bake 60s: shop-vm1',
      '  phase 2  2 host(s), 2 at a time: shop-vm2, shop-vm3',
    ]);
    // A plan shape this CLI does not know yet is shown whole.
    await api.close();
    api = await fakeApi({ 'POST /v1/deployments': { body: { dryRun: true, batches: [['a']] } } });
    expect((await run(['deploy', '--dry-run', '--api', api.url])).stdout).toBe('dry run: nothing was deployed\ndryRun: true\nbatches:\n  - - a\n');
  });

  it('--follow off a terminal appends a line per change and exits 1 with the failure when the deploy FAILS', async () => {
    api = await fakeApi({
      'POST /v1/deployments': created,
      [`GET /v1/deployments/${ID}`]: sequence(runningDeployment(), runningDeployment(), failedDeployment()),
    });
    const { code, stdout } = await run(['deploy', '--application', 'shop', '--follow', '--api', api.url]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([`deployment ${ID}`, `  http://ui/deploy-${ID}`, 'deployment RUNNING', 'hosts: shop-vm1, shop-vm2, shop-vm3']);
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
    api = await fakeApi({ 'POST /v1/deployments': created, [`GET /v1/deployments/${ID}`]: sequence(runningDeployment(), runningDeployment(), succeeded()) });
    const { code, stdout } = await run(['deploy', '--follow', '--api', api.url, '--no-color'], { tty: true });
    expect(code).toBe(0);
    // 4 lines drawn (header + 3 hosts), then the cursor goes back 4 lines for each redraw.
    expect(stdout).toContain('\x1b[4F');
    expect(stdout.match(/shop-vm2 {2}RUNNING/g)?.length).toBeGreaterThan(1);
    expect(stdout.endsWith('\x1b[?25h✓ deployment SUCCEEDED in 3.0s: 1/1 hosts done\n')).toBe(true);
  });

  it('--follow --json prints the final deployment as JSON', async () => {
    api = await fakeApi({ 'POST /v1/deployments': created, [`GET /v1/deployments/${ID}`]: { body: failedDeployment() } });
    const { code, stdout } = await run(['deploy', '--follow', '--json', '--api', api.url]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual(failedDeployment());
  });
});

describe('logs', () => {
  const log = (step: string, status: string) => ({
    host: 'shop-vm1',
    step,
    round: 1,
    attempt: 1,
    status,
    command: `run ${step}`,
    exitCode: 0,
    stdout: `${step} out`,
    stderr: '',
    error: null,
    startedAt: '2024-06-01T12:00:00.000Z',
    finishedAt: status === 'RUNNING' ? null : '2024-06-01T12:00:00.300Z',
  });

  it('asks for one host and step and prints the command and output', async () => {
    api = await fakeApi({ [`GET /v1/deployments/${ID}/logs`]: { body: { steps: [log('drain', 'SUCCEEDED')] } } });
    const { code, stdout } = await run(['logs', ID, '--host', 'shop-vm1', '--step', 'drain', '--api', api.url]);
    expect(code).toBe(0);
    expect(api.requests[0]?.url).toBe(`/v1/deployments/${ID}/logs?host=shop-vm1&step=drain`);
    expect(stdout).toBe('── shop-vm1 · drain · attempt 1 · SUCCEEDED · exit 0 · 300ms\n  $ run drain\n  drain out\n');
  });

  it('--follow prints each step once, when it has finished, until the deploy ends', async () => {
    api = await fakeApi({
      [`GET /v1/deployments/${ID}`]: sequence({ status: 'RUNNING' }, { status: 'RUNNING' }, { status: 'SUCCEEDED' }),
      [`GET /v1/deployments/${ID}/logs`]: sequence(
        { steps: [log('stage', 'RUNNING')] },
        { steps: [log('stage', 'SUCCEEDED'), log('drain', 'RUNNING')] },
        { steps: [log('stage', 'SUCCEEDED'), log('drain', 'SUCCEEDED')] },
      ),
    });
    const { code, stdout } = await run(['logs', ID, '--follow', '--json', '--api', api.url]);
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
    const good = await run(['replay', 'd-good', '--save', '/tmp/h'], { env: { TEMPORAL_ADDRESS: '10.0.0.1:7233' }, deps: { replay } });
    expect([good.code, good.stdout]).toEqual([0, 'OK    deploy-d-good\nhistories saved in /tmp/h\n']);
    const bad = await run(['replay', 'd-bad', '--temporal-address', '127.0.0.1:7999', '--namespace', 'ops'], { deps: { replay } });
    expect([bad.code, bad.stdout]).toEqual([1, 'OK    deploy-d-bad\nFAIL  host-d-bad-vm1: Nondeterminism: activity drain\n']);
    const down = await run(['replay', 'd-x'], { deps: { replay: async () => Promise.reject(new Error('Failed to connect before the deadline')) } });
    expect([down.code, down.stderr]).toEqual([
      2,
      'error: replay of d-x against Temporal at 127.0.0.1:7233 (namespace default): Failed to connect before the deadline\n',
    ]);
    expect(calls).toEqual([
      { address: '10.0.0.1:7233', namespace: 'default', deploymentId: 'd-good', saveDir: '/tmp/h' },
      { address: '127.0.0.1:7999', namespace: 'ops', deploymentId: 'd-bad', saveDir: undefined },
    ]);
  });
});
