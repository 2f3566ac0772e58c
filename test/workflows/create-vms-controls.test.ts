import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordWorkflow } from '../support/record-fixture.ts';
import { vmBody as body, calls, createVmsWorld, freshApp, vmName } from './create-vms-world.ts';

// Cancelling VM requests, retries an operator can see, and submissions whose
// answer is lost, on the dev server against a runner that does NOT
// deduplicate by REQUEST_ID (the case that once made two jobs and an orphan VM).

const world = createVmsWorld({ deduplicate: false });
const { post, get, cancel, finished } = calls(world);
const statuses = async (id: string) => (await get(`/v1/vm-requests/${id}`)).vms.map((vm: { status: string }) => vm.status);
const polls = (vms: string[]) => vms.map((vm) => world.runner.execution(vm)?.statusPolls ?? 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cancelling a VM request', () => {
  it('stops polling jobs that are WAITING, marks the VMs CANCELLED and names the jobs left to the runner', async () => {
    const application = freshApp();
    const vms = [vmName(application, 1), vmName(application, 2)];
    world.runner.behave(vms[0]!, { outcome: 'hang', ambiguous: 2 });
    world.runner.behave(vms[1]!, { outcome: 'hang' });
    const { id } = (await post(body(application))).json();
    await expect.poll(() => statuses(id), { timeout: 15_000 }).toEqual(['PROVISIONING', 'PROVISIONING']);
    await expect.poll(() => Math.min(...polls(vms)), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const jobs = vms.map((vm) => world.runner.execution(vm)!.name);
    // While it retries, a VM shows its tries and the last error among them (a plain WAITING is none).
    const retrying = await get(`/v1/vms/${vms[0]}`);
    expect(retrying.attempts).toBeGreaterThanOrEqual(3);
    expect(retrying.lastError).toBe(`provisioning job ${jobs[0]} is JOB_EXECUTION_STATUS_FETCH_ERROR (poll 2)`);
    expect(await get(`/v1/vms/${vms[1]}`)).toMatchObject({ lastError: null, attempts: expect.any(Number) });

    const started = Date.now();
    const res = await cancel(id);
    const took = Date.now() - started;
    console.info(`cancel of ${id} answered ${res.statusCode} in ${took} ms: ${res.json().message}`);
    expect(res.statusCode, res.body).toBe(202);
    expect(took).toBeLessThan(2000);
    // The answer waits up to 1 s for the VMs to be saved; on a busy machine some may still be stopping.
    const { message, vms: answered } = res.json();
    expect(message).toMatch(/^(cancelled: 2 CANCELLED|cancel requested; [12] VMs? still stopping); /);
    expect(message).toContain(`; jobs already submitted are left to the runner: ${vms[0]} (${jobs[0]}), ${vms[1]} (${jobs[1]})`);
    expect(answered).toEqual(vms.map((name, i) => ({ name, status: expect.stringMatching(/^(CANCELLED|PROVISIONING)$/), jobName: jobs[i] })));
    await expect.poll(() => statuses(id), { timeout: 10_000 }).toEqual(['CANCELLED', 'CANCELLED']);
    const after = polls(vms);
    await sleep(2000); // four times the longest poll interval
    expect(polls(vms)).toEqual(after);
    console.info(`runner's status polls per job, at the cancel and 2 s later: ${after.join(', ')} / ${polls(vms).join(', ')}`);

    const view = await get(`/v1/vms/${vms[0]}`);
    expect(view).toMatchObject({ status: 'CANCELLED', jobName: jobs[0], error: `cancelled; job ${jobs[0]} was submitted already and is left to the runner` });
    expect(view.transitions.map((t: { to: string }) => t.to)).toEqual(['REQUESTED', 'PROVISIONING', 'CANCELLED']);
    const handle = world.t.client.workflow.getHandle(`create-vms-${id}`);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    await recordWorkflow(world.t.client, `create-vms-${id}`, 'vms-cancelled');

    const again = await cancel(id);
    expect([again.statusCode, again.json().message]).toEqual([409, `VM request ${id} cannot be cancelled: it has finished (2 CANCELLED)`]);
  });

  it('shows the tries of a submission the runner refuses; cancelled before any job ran, it leaves nothing behind', async () => {
    const application = freshApp();
    const vm = vmName(application, 1);
    world.runner.behave(vm, { refuseSubmissions: 1000 });
    const { id } = (await post(body(application, { count: 1 }))).json();
    await expect.poll(async () => (await get(`/v1/vms/${vm}`)).attempts, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(await get(`/v1/vms/${vm}`)).toMatchObject({
      status: 'REQUESTED',
      jobName: null,
      lastError: 'Proctor POST /jobs/execute: HTTP 503: job executor is busy, try again',
    });
    const res = await cancel(id);
    expect([res.statusCode, res.json().message]).toEqual([202, expect.stringMatching(/; no job was submitted$/)]);
    await expect.poll(() => statuses(id), { timeout: 10_000 }).toEqual(['CANCELLED']);
    expect(await get(`/v1/vms/${vm}`)).toMatchObject({ error: 'cancelled before its job was submitted', jobName: null });
    expect(world.runner.jobsCreated(vm)).toBe(0);
  });

  it('answers 409 with the reason for a request that has finished, and 404 for one that does not exist', async () => {
    const application = freshApp();
    const { id } = (await post(body(application, { count: 1 }))).json();
    await finished(id);
    const res = await cancel(id);
    expect([res.statusCode, res.json()]).toEqual([
      409,
      { error: 'ControlRejected', message: `VM request ${id} cannot be cancelled: it has finished (1 READY)`, docs: 'docs/runbook.md#controlrejected' },
    ]);
    expect((await cancel('vr-00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });

  it('cancels the VMs of a request whose workflow never started (its start failed), in the store', async () => {
    const id = `vr-${randomUUID()}`;
    const { record } = await world.store.createRequest({
      ...body(freshApp(), { count: 1 }),
      machineType: 'n2-standard-2',
      id,
      workflowId: `create-vms-${id}`,
      requestedBy: 'payments',
      createdAt: new Date(),
    } as Parameters<typeof world.store.createRequest>[0]);
    const res = await cancel(id);
    expect([res.statusCode, res.json().message]).toEqual([202, 'cancelled: 1 CANCELLED; no job was submitted']);
    expect(await get(`/v1/vms/${record.vms[0]!.name}`)).toMatchObject({ status: 'CANCELLED', error: 'cancelled; no workflow was running for it' });
  });
});

describe('a submission whose answer is lost', () => {
  it('is not submitted again once the VM is in Chef: one job, one VM, and its name keeps its sequence number', async () => {
    const application = freshApp();
    const vm = vmName(application, 1);
    world.losesFirstAnswer.add(vm);
    const { id } = (await post(body(application, { count: 1 }))).json();
    const outcome = await finished(id);
    await recordWorkflow(world.t.client, `create-vms-${id}`, 'vms-found-in-chef');
    const address = world.runner.execution(vm)?.address;
    expect(outcome.vms).toEqual([{ name: vm, status: 'READY', address }]);
    expect([world.runner.submissions(vm), world.runner.jobsCreated(vm)]).toEqual([1, 1]);
    expect(await world.chef.admin.searchNodes(`name:${vm}`)).toEqual([{ name: vm, address }]);
    const view = await get(`/v1/vms/${vm}`);
    expect(view).toMatchObject({ status: 'READY', address, jobName: null });
    expect(view.transitions[1]).toMatchObject({ to: 'PROVISIONING', reason: expect.stringContaining('already in Chef') });
    // Sequence numbers are taken once per VM: the retries took none, the next request gets 002.
    expect((await post(body(application, { count: 1 }))).json().vms).toEqual([{ name: vmName(application, 2), status: 'REQUESTED' }]);
  });
});
