import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Application, Environment, Team } from '../../src/temporal/search-attributes.ts';
import { vmsProgressQuery } from '../../src/workflows/create-vms.ts';
import { recordWorkflow } from '../support/record-fixture.ts';
import { vmBody as body, calls, createVmsWorld, freshApp } from './create-vms-world.ts';

// createVms on the shared dev server, through the API: the real activities,
// PGlite, ProctorClient → the Proctor-compatible runner → goiardi.

const world = createVmsWorld();
const { post, get, finished } = calls(world);

describe('createVms on the dev server, through the API', () => {
  it('creates each VM with one job, polls past ambiguous answers and reads its address from Chef', async () => {
    const application = freshApp();
    const [vm1, vm2] = [1, 2].map((n) => `${application}-production-java-ubuntu-2204-00${n}`) as [string, string];
    // Still running when the submission is retried a second later: resubmitted, and the runner deduplicates.
    world.losesFirstAnswer.add(vm1);
    world.runner.behave(vm1, { delayMs: 2500 });
    world.runner.behave(vm2, { ambiguous: 3 });
    const accepted = await post(body(application));
    expect(accepted.statusCode).toBe(202);
    const { id, vms, links } = accepted.json();
    expect(vms).toEqual([
      { name: vm1, status: 'REQUESTED' },
      { name: vm2, status: 'REQUESTED' },
    ]);
    expect(links).toEqual({ self: `http://api/v1/vm-requests/${id}`, temporalUi: `http://ui/namespaces/default/workflows/create-vms-${id}` });

    const outcome = await finished(id);
    await recordWorkflow(world.t.client, `create-vms-${id}`, 'vms-created');
    expect(outcome.vms.map((v) => [v.name, v.status])).toEqual([
      [vm1, 'READY'],
      [vm2, 'READY'],
    ]);
    for (const name of [vm1, vm2]) {
      const view = await get(`/v1/vms/${name}`);
      expect(view).toMatchObject({
        status: 'READY',
        address: world.runner.execution(name)?.address,
        jobName: world.runner.execution(name)?.name,
        machineType: 'n2-standard-2',
      });
      expect(view.transitions.map((tr: { from: string; to: string }) => `${tr.from}→${tr.to}`)).toEqual([
        'null→REQUESTED',
        'REQUESTED→PROVISIONING',
        'PROVISIONING→READY',
      ]);
      expect(world.runner.jobsCreated(name)).toBe(1);
    }
    expect(world.runner.submissions(vm1)).toBe(2);
    expect(world.runner.execution(vm2)?.statusPolls).toBeGreaterThanOrEqual(4);
    const { typedSearchAttributes } = await world.t.client.workflow.getHandle(`create-vms-${id}`).describe();
    expect([Application, Environment, Team].map((k) => typedSearchAttributes.get(k))).toEqual([application, 'production', 'payments']);
  });

  it("marks a VM whose job FAILED as FAILED with the reason from the job's log, and its job; its sibling still comes up", async () => {
    const application = freshApp();
    const doomed = `${application}-production-java-ubuntu-2204-001`;
    world.runner.behave(doomed, { outcome: 'fail', reason: 'quota exceeded for n2-standard-2 in europe-west1' });
    const { id } = (await post(body(application))).json();
    const outcome = await finished(id);
    await recordWorkflow(world.t.client, `create-vms-${id}`, 'vms-failed');
    expect(outcome.vms.map((v) => v.status)).toEqual(['FAILED', 'READY']);
    const view = await get(`/v1/vms/${doomed}`);
    expect(view).toMatchObject({ status: 'FAILED', jobName: world.runner.execution(doomed)?.name });
    const [head, ...log] = view.error.split('\n');
    expect(head).toBe(`job ${view.jobName}: provisioning job ${view.jobName} FAILED; its log ends:`);
    expect(log).toEqual([expect.stringMatching(`^creating VM ${doomed} with `), 'ERROR: quota exceeded for n2-standard-2 in europe-west1']);
    expect(view.transitions.at(-1)).toMatchObject({ from: 'PROVISIONING', to: 'FAILED', reason: view.error });
    const request = await get(`/v1/vm-requests/${id}`);
    expect(request).toMatchObject({ id, application, count: 2, machineType: 'n2-standard-2' });
    expect(request.vms.map((v: { status: string }) => v.status)).toEqual(['FAILED', 'READY']);
    const progress = await world.t.client.workflow.getHandle(`create-vms-${id}`).query(vmsProgressQuery);
    expect(progress.map((p) => [p.name, p.status, p.error])).toEqual([
      [doomed, 'FAILED', view.error],
      [`${application}-production-java-ubuntu-2204-002`, 'READY', undefined],
    ]);
  });

  it('answers a repeated Idempotency-Key with the same request and names, and starts nothing new', async () => {
    const application = freshApp();
    const key = randomUUID();
    const first = await post(body(application, { count: 1 }), key);
    const second = await post(body(application, { count: 1 }), key);
    expect([first.statusCode, second.statusCode]).toEqual([202, 200]);
    // The same request and names; the status is whatever the VM has reached by the repeat.
    const same = (answer: typeof first) => ({ ...answer.json(), vms: answer.json().vms.map((vm: { name: string }) => vm.name) });
    expect(same(second)).toEqual(same(first));
    await finished(first.json().id);
    const third = await post(body(application, { count: 1 }), key);
    expect(third.json().vms).toEqual([{ name: `${application}-production-java-ubuntu-2204-001`, status: 'READY' }]);
    expect(world.runner.jobsCreated(`${application}-production-java-ubuntu-2204-001`)).toBe(1);
    expect((await post(body(application, { count: 2 }), key)).json().error).toBe('IdempotencyKeyReused');
  });

  it('refuses bad input naming the field, and unknown platforms listing the supported ones', async () => {
    const bad = await post(body('shop', { count: 0, osVersion: 'Ubuntu 22' }));
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .issues.map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['body.count', 'body.osVersion']);
    const unknown = await post(body('shop', { stack: 'cobol' }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ error: 'UnsupportedPlatform', message: expect.stringContaining('java/ubuntu-22.04') });
    expect(unknown.json().supported).toHaveLength(9);
    expect(unknown.json().supported[0]).toEqual({ stack: 'java', osVersion: 'ubuntu-22.04', machineTypes: ['n2-standard-2', 'n2-standard-4', 'n2-highmem-4'] });
    const machine = await post(body('shop', { machineType: 'm5.large' }));
    expect([machine.statusCode, machine.json().error]).toEqual([422, 'UnsupportedMachineType']);
    expect((await world.app.inject({ method: 'GET', url: '/v1/vms/no-such-vm-001' })).statusCode).toBe(404);
    expect((await world.app.inject({ method: 'GET', url: '/v1/vms?status=DONE' })).statusCode).toBe(400);
  });

  it('lists the inventory of an application with counts per OS and stack', async () => {
    const application = freshApp();
    const java = (await post(body(application, { count: 2 }))).json();
    const node = (await post(body(application, { count: 1, stack: 'node', osVersion: 'debian-12' }))).json();
    await Promise.all([finished(java.id), finished(node.id)]);
    const all = await get(`/v1/vms?application=${application}&environment=production`);
    expect(all.vms.map((v: { name: string }) => v.name)).toEqual([
      `${application}-production-java-ubuntu-2204-001`,
      `${application}-production-java-ubuntu-2204-002`,
      `${application}-production-node-debian-12-001`,
    ]);
    expect(all.counts).toEqual({
      total: 3,
      byStack: { java: 2, node: 1 },
      byOsVersion: { 'ubuntu-22.04': 2, 'debian-12': 1 },
      byPlatform: [
        { stack: 'java', osVersion: 'ubuntu-22.04', count: 2 },
        { stack: 'node', osVersion: 'debian-12', count: 1 },
      ],
    });
    const debian = await get(`/v1/vms?application=${application}&osVersion=debian-12&status=READY`);
    expect([debian.vms.length, debian.counts.total]).toEqual([1, 1]);
  });
});
