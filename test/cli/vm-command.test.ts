import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { createVmsWorkflowId } from '../../src/domain/vm.ts';
import { vmName, vmNamePrefix } from '../../src/domain/vm-naming.ts';
import { type Goiardi, startGoiardi } from '../fleet/goiardi.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { run } from './support/harness.ts';
import { type RealApi, startRealApi } from './support/real-api.ts';

// `vesemir vm` against the real API and a worker running every activity: the
// createVms workflow submits its jobs to the Proctor-compatible runner, whose
// jobs register the VM in a real Chef (goiardi) without booting one.

let chef: Goiardi;
let runner: ProctorRunner;
let api: RealApi;
beforeAll(async () => {
  chef = await startGoiardi();
  // Jobs end at once, so the first status poll finds them done; the next poll
  // of a job that hangs is 30 s away: a cancel then finds every poll waiting
  // out its backoff, never one in flight.
  runner = await startProctorRunner({ chef: chef.admin, createVm: async () => ({ address: '127.0.0.1' }), defaultDelayMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-vm-cli-'));
  // An admin client: decommissioning deletes the VM's Chef node.
  const deployer = await chef.admin.createClient('vesemir', true);
  writeFileSync(join(dir, 'chef.pem'), deployer.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'proctor-token'), runner.credentials.accessToken, { mode: 0o600 });
  api = await startRealApi({
    activities: 'all',
    appsFile: { provisioning: { ...DEFAULT_PROVISIONING_SECTION, poll: { initialSeconds: 30, maxSeconds: 30 } } },
    env: {
      CHEF_SERVER_URL: chef.url,
      CHEF_CLIENT_NAME: 'vesemir',
      CHEF_KEY_PATH: join(dir, 'chef.pem'),
      PROCTOR_URL: runner.url,
      PROCTOR_EMAIL_ID: runner.credentials.emailId,
      PROCTOR_ACCESS_TOKEN_PATH: join(dir, 'proctor-token'),
    },
  });
}, 60_000);
afterAll(async () => {
  await api?.close();
  await runner?.stop();
  await chef?.stop();
});

const create = (stack: string, count: number) => [
  ...['vm', 'create', '--application', 'shop', '--environment', 'production', '--team', 'payments'],
  ...['--stack', stack, '--os-version', 'ubuntu-22.04', '--count', String(count)],
];
/** The names the API allocates to the first VMs of shop/prod with this stack on Ubuntu 22.04. */
const names = (stack: string, count: number) =>
  Array.from({ length: count }, (_, i) => vmName(vmNamePrefix({ application: 'shop', environment: 'production', stack, osVersion: 'ubuntu-22.04' }), i + 1));

describe('vm', () => {
  it('create POSTs the body; get and list read the inventory', async () => {
    const [name] = names('python', 1);
    const created = await run([...create('python', 1), '--api', api.url]);
    expect(created.code).toBe(0);
    const id = created.stdout.split(' ')[0]!;
    expect(created.stdout).toBe(`${id}  1 VM\n  ${name}  REQUESTED\n  ${api.uiLink(createVmsWorkflowId(id))}\n`);
    const done = await api.client.waitForVms(id, { pollMs: 100 });
    expect(done.vms.map((vm) => vm.status)).toEqual(['READY']);
    const vm = await api.client.getVm(name!);
    expect(vm).toMatchObject({
      application: 'shop',
      environment: 'production',
      team: 'payments',
      stack: 'python',
      osVersion: 'ubuntu-22.04',
      address: '127.0.0.1',
    });
    expect((await run(['vm', 'get', name!, '--api', api.url])).stdout).toContain('  platform     python on ubuntu-22.04, n2-standard-2');
    const list = await run(['vm', 'list', '--application', 'shop', '--os-version', 'ubuntu-22.04', '--status', 'ready', '--api', api.url]);
    expect(list.stdout).toContain(name);
    expect(list.stdout.trim().split('\n').at(-1)).toBe('1 VMs · python 1 · ubuntu-22.04 1');
    // The filters reached the API: another OS version lists none.
    expect((await run(['vm', 'list', '--os-version', 'ubuntu-20.04', '--api', api.url])).stdout).not.toContain(name);
  });
});

describe('vm cancel', () => {
  /** Two java VMs whose jobs never end, cancelled once both jobs are submitted and polled once. */
  async function submittedJobs(first: number) {
    const vms = names('java', first + 1).slice(first - 1);
    for (const vm of vms) runner.behave(vm, { outcome: 'hang' });
    const created = await run([...create('java', 2), '--api', api.url]);
    const id = created.stdout.split(' ')[0]!;
    await expect.poll(async () => vms.map((vm) => (runner.execution(vm)?.statusPolls ?? 0) > 0), { timeout: 20_000 }).toEqual([true, true]);
    expect((await api.client.getVmRequest(id)).vms.map((vm) => vm.status)).toEqual(['PROVISIONING', 'PROVISIONING']);
    const jobs = vms.map((vm) => runner.execution(vm)!.name);
    return { id, vms, jobs };
  }

  it('POSTs the cancel without a body and prints the answer, a VM a line with its job', async () => {
    const { id, vms, jobs } = await submittedJobs(1);
    const { code, stdout, stderr } = await run(['vm', 'cancel', id, '--api', api.url]);
    expect([code, stderr]).toEqual([0, '']);
    const message = `cancelled: 2 CANCELLED; jobs already submitted are left to the runner: ${vms[0]} (${jobs[0]}), ${vms[1]} (${jobs[1]})`;
    expect(stdout).toBe([`${id}  ${message}`, `  ${vms[0]}  CANCELLED  job ${jobs[0]}`, `  ${vms[1]}  CANCELLED  job ${jobs[1]}`, ''].join('\n'));

    const other = await submittedJobs(3);
    const json = JSON.parse((await run(['vm', 'cancel', other.id, '--json', '--api', api.url])).stdout);
    expect(json).toEqual({
      id: other.id,
      message: `cancelled: 2 CANCELLED; jobs already submitted are left to the runner: ${other.vms[0]} (${other.jobs[0]}), ${other.vms[1]} (${other.jobs[1]})`,
      vms: other.vms.map((name, i) => ({ name, status: 'CANCELLED', jobName: other.jobs[i] })),
    });
  });

  it('prints the reason and exits 2 when the request has finished', async () => {
    const body = { application: 'shop', environment: 'qa', team: 'payments', stack: 'python', osVersion: 'ubuntu-22.04', count: 1 };
    const { id } = await api.client.createVms(body);
    expect((await api.client.waitForVms(id, { pollMs: 100 })).vms.map((vm) => vm.status)).toEqual(['READY']);
    const { code, stderr } = await run(['vm', 'cancel', id, '--api', api.url]);
    const message = `VM request ${id} cannot be cancelled: it has finished (1 READY)`;
    expect([code, stderr]).toEqual([2, `error: ${message} (ControlRejected, HTTP 409)\n  docs: docs/runbook.md#controlrejected\n`]);
  });
});

describe('vm delete', () => {
  it('DELETEs the VM and prints its status; --wait follows it to DECOMMISSIONED, its Chef node gone', async () => {
    const [name] = names('node', 1);
    const created = await run([...create('node', 1), '--api', api.url]);
    await api.client.waitForVms(created.stdout.split(' ')[0]!, { pollMs: 100 });
    const started = await run(['vm', 'delete', name!, '--api', api.url]);
    expect([started.code, started.stdout, started.stderr]).toEqual([0, `${name}  DECOMMISSIONING\n`, '']);
    // Again with --wait: the same run (the workflow id is the VM's), followed to its end.
    const waited = await run(['vm', 'delete', name!, '--wait', '--api', api.url]);
    expect([waited.code, waited.stderr]).toEqual([0, '']);
    expect(waited.stdout.split('\n')[0]).toBe(`${name}  DECOMMISSIONED`);
    expect((await chef.admin.searchNodes(`name:${name}`)).length).toBe(0);
  });

  it('exits 1 with the runner job’s error when the decommission fails, not with the error its creation left', async () => {
    const platform = { application: 'shop', environment: 'production', stack: 'node', osVersion: 'debian-12' };
    const name = vmName(vmNamePrefix(platform), 1);
    // Its creation fails first: the VM is FAILED with that error…
    runner.behave(name, { outcome: 'fail', reason: 'quota exceeded' });
    const created = await run([
      'vm',
      'create',
      '--application',
      'shop',
      '--environment',
      'production',
      '--team',
      'payments',
      '--stack',
      'node',
      '--os-version',
      'debian-12',
      '--count',
      '1',
      '--api',
      api.url,
    ]);
    await api.client.waitForVms(created.stdout.split(' ')[0]!, { pollMs: 100 });
    expect(await api.client.getVm(name)).toMatchObject({ status: 'FAILED', error: expect.stringContaining('quota exceeded') });
    // …then its decommission job fails: the wait reports that, not the creation's error.
    runner.behave(name, { outcome: 'fail', reason: 'the hypervisor said no' });
    const { code, stdout } = await run(['vm', 'delete', name, '--wait', '--api', api.url]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${name}  DECOMMISSIONING`);
    expect(stdout).toContain('ERROR: the hypervisor said no');
    expect(stdout).toContain('  error        decommission job: decommission job ');
  });
});
