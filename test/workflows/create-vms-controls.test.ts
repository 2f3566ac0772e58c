import { describe, expect, it } from 'vitest';
import { recordWorkflow } from '../support/record-fixture.ts';
import { vmBody as body, calls, createVmsWorld, freshApp, vmName } from './create-vms-world.ts';

// Submissions whose answer is lost, on the dev server against a runner that
// does NOT deduplicate by REQUEST_ID (the case that once made two jobs and an
// orphan VM).

const world = createVmsWorld({ deduplicate: false });
const { post, get, finished } = calls(world);

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
