import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployWorkflowId } from '../../src/workflows/definitions.ts';
import { run } from './support/harness.ts';
import { deployBody, type RealApi, startRealApi } from './support/real-api.ts';

// The commands against the real API (auth on): deploys really start and
// really queue on the run's Temporal server; the states a command shows are
// written into the real store the way the worker's activities write them.

const TOKEN = 's3cret';
let api: RealApi;
beforeAll(async () => {
  api = await startRealApi({ token: TOKEN });
}, 60_000);
afterAll(() => api?.close());

/** The CLI with the API and the token from the environment, as a pipeline sets them. */
const cli = (argv: string[], options: Parameters<typeof run>[1] = {}) =>
  run(argv, { ...options, env: { VESEMIR_API_URL: api.url, VESEMIR_TOKEN: TOKEN, ...options.env } });

describe('reading deployments', () => {
  it('status: the API from VESEMIR_API_URL, the token as a Bearer header, a row per host', async () => {
    const d = await api.queued('staging');
    await d.running();
    await d.failed();
    const { code, stdout, stderr } = await run(['status', d.id], { env: { VESEMIR_API_URL: api.url, VESEMIR_TOKEN: TOKEN } });
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('  shop-vm2  ROLLED_BACK  ■■■■✗·· ↺■■■■');
    expect(stdout).toContain('step health failed (attempt 1): not healthy after 2s: HTTP 500');
    expect(stdout).toContain(`deploy-${d.id}`);
    // The token is what let it in: without it the real API refuses.
    const anonymous = await run(['status', d.id], { env: { VESEMIR_API_URL: api.url } });
    expect([anonymous.code, anonymous.stderr]).toEqual([2, expect.stringMatching(/^error: .*\(Unauthorized, HTTP 401\)\n$/)]);
  });

  it('status --json prints the API answer as it came; --api and --token win over the environment', async () => {
    const d = await api.queued('staging');
    await d.running();
    const { code, stdout, stderr } = await run(['status', d.id, '--json', '--api', api.url, '--token', TOKEN], {
      env: { VESEMIR_API_URL: 'http://127.0.0.1:9', VESEMIR_TOKEN: 'env' },
    });
    expect([code, stderr]).toEqual([0, '']);
    expect(JSON.parse(stdout)).toEqual(await api.client.getDeployment(d.id));
    expect(JSON.parse(stdout)).toMatchObject({ id: d.id, status: 'RUNNING', hosts: [{ status: 'DONE' }, { status: 'RUNNING' }, { status: 'PENDING' }] });
  });

  it('list passes the filters as query parameters', async () => {
    const d = await api.queued('staging', { version: 'v2' });
    await d.running();
    const { code, stdout } = await cli(['list', '--application', 'shop', '--environment', 'staging', '--status', 'running']);
    expect(code).toBe(0);
    // Newest first: this one, then the deploy holding staging's turn (RUNNING, its hosts not found yet).
    const rows = stdout.trimEnd().split('\n').slice(1);
    expect(rows[0]).toMatch(new RegExp(`^${d.id} {2}shop {9}staging {6}v2 {7}RUNNING {2}1/3 {3}`));
    expect(rows.every((row) => / staging +v\d +RUNNING /.test(row))).toBe(true);
    // The filters reached the API: another environment, or another status, lists none of these.
    expect((await cli(['list', '--application', 'shop', '--environment', 'production', '--json'])).stdout).not.toContain(d.id);
    const failed = await cli(['list', '--application', 'shop', '--environment', 'staging', '--status', 'failed', '--json']);
    expect(JSON.parse(failed.stdout).deployments.map((x: { status: string }) => x.status)).not.toContain('RUNNING');
  });
});

describe('the queue', () => {
  it('queue lists who holds the turn, then the deployments waiting, next first', async () => {
    const holder = await api.holdTurn('production', 'v2');
    await api.client.control(holder, 'pause');
    const v3 = (await api.client.deploy(deployBody({ environment: 'production', version: 'v3' }))).id;
    const v4 = (await api.client.deploy(deployBody({ environment: 'production', version: 'v4' }))).id;
    const { code, stdout } = await cli(['queue', '--application', 'shop', '--environment', 'production']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`shop → production: ${holder} (v2, PAUSED) holds the turn; 2 waiting`);
    expect(lines[1]).toMatch(/^# {2}ID {2,}VERSION {2}REQUESTED BY {2}QUEUED AT$/);
    const at = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(new RegExp(`^1 {2}${v3} {2}v3 {7}payments-ci {3}${at}$`)),
      expect.stringMatching(new RegExp(`^2 {2}${v4} {2}v4 {7}payments-ci {3}${at}$`)),
      '',
    ]);
  });

  it('queue says when nothing waits; status of a queued deployment says what it waits for', async () => {
    const holder = await api.holdTurn('dev', 'v2');
    expect((await cli(['queue', '--application', 'shop', '--environment', 'dev'])).stdout).toBe('shop → dev: no deployment waiting\n');
    const waiting = (await api.client.deploy(deployBody({ environment: 'dev', version: 'v3' }))).id;
    const { stdout } = await cli(['status', waiting]);
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`^shop v3 → dev {2}QUEUED {2}.* {2}#1 in the queue, waiting for ${holder} {2}${waiting}$`));
    expect(stdout).not.toContain('discovering hosts');
  });
});

describe('actions', () => {
  it('pause, resume, approve, retry and cancel reach the running deploy; cancel --rollback sends the rollback', async () => {
    const id = await api.holdTurn('qa');
    const behind = (await api.client.deploy(deployBody({ environment: 'qa' }))).id;
    const outs: [number, string][] = [];
    for (const argv of [
      ['pause', id],
      ['resume', id],
      ['approve', id],
      ['retry', id],
      ['cancel', behind],
      ['cancel', id, '--rollback'],
    ]) {
      const { code, stdout, stderr } = await cli(argv);
      outs.push([code, (stdout || stderr).trim()]);
    }
    expect(outs).toEqual([
      [0, `${id} PAUSED: paused: no new host starts; hosts in flight finish their steps`],
      [0, `${id} RUNNING: resumed`],
      [2, `error: deployment ${id} is not waiting for approval (ControlRejected, HTTP 409)\n  docs: docs/runbook.md#controlrejected`],
      [2, `error: deployment ${id} has no failed host to retry (ControlRejected, HTTP 409)\n  docs: docs/runbook.md#controlrejected`],
      [0, `${behind} QUEUED: cancelling: no new host starts, hosts in flight stop and are put back as found`],
      [0, `${id} RUNNING: cancelling: no new host starts, hosts in flight stop and are put back, then the done hosts are rolled back`],
    ]);
    // The deploys really ended; a control on a finished one is refused.
    for (const d of [id, behind]) {
      await api.ctx.client.workflow.getHandle(deployWorkflowId(d)).result();
      expect((await api.client.getDeployment(d)).status).toBe('CANCELLED');
    }
    const late = await cli(['pause', id]);
    expect([late.code, late.stderr]).toEqual([
      2,
      `error: deployment ${id}: 'pause' does not apply, it has finished (CANCELLED) (DeploymentFinished, HTTP 409)\n  docs: docs/runbook.md#deploymentfinished\n`,
    ]);
  });
});

describe('errors', () => {
  it("an HTTP error prints the API's message (a 400: each field and what it expects), and exits 2", async () => {
    const bad = await cli(['deploy', '--application', 'shop', '--environment', 'production', '--team', 'payments', '--concurrency', '0']);
    expect(bad.code).toBe(2);
    const lines = bad.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error: invalid request (BadRequest, HTTP 400)');
    expect(lines).toContain('  body.version: required, a release version such as "1.4.2"');
    expect(lines.some((l) => /^ {2}body\.concurrency: /.test(l))).toBe(true);
    // Each field once.
    expect(new Set(lines).size).toBe(lines.length);
    const { id } = await api.queued('staging');
    const conflict = await cli(['approve', id]);
    expect([conflict.code, conflict.stderr]).toEqual([
      2,
      `error: deployment ${id} is not waiting for approval (ControlRejected, HTTP 409)\n  docs: docs/runbook.md#controlrejected\n`,
    ]);
  });

  it('a refused connection names the URL, and exits 2', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, stderr } = await run(['list'], { env: { VESEMIR_API_URL: url } });
    expect(code).toBe(2);
    expect(stderr).toBe(`error: cannot reach the Vesemir API at ${url}: connection refused (set --api or VESEMIR_API_URL)\n`);
  });

  it("bad usage exits 2 with commander's message", async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect((await run(['deploy', '--max-failed-hosts', 'two'])).stderr).toContain('not a whole number: two');
  });

  it('colors only on a terminal, and never with NO_COLOR', async () => {
    const d = await api.queued('staging');
    await d.running();
    await d.failed();
    expect((await cli(['status', d.id], { tty: true })).stdout).toContain('\x1b[31m');
    expect((await cli(['status', d.id], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await cli(['status', d.id, '--no-color'], { tty: true })).stdout).not.toContain('\x1b[');
    expect((await cli(['status', d.id])).stdout).not.toContain('\x1b[');
  });
});

/** A port nothing listens on: one the OS just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
