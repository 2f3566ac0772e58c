import { afterEach, describe, expect, it } from 'vitest';
import { vmJson } from './support/fixtures.ts';
import { fakeApi, run } from './support/harness.ts';

let api: Awaited<ReturnType<typeof fakeApi>>;
afterEach(() => api?.close());

describe('vm', () => {
  it('create POSTs the body; get and list read the inventory', async () => {
    const vm = vmJson({ name: 'shop-prod-python-u22-001', machineType: 'n2' });
    api = await fakeApi({
      'POST /v1/vms': {
        status: 202,
        body: { id: 'vr-1', vms: [{ name: vm.name, status: 'REQUESTED' }], links: { self: '/v1/vm-requests/vr-1', temporalUi: 'http://ui/vr-1' } },
      },
      [`GET /v1/vms/${vm.name}`]: { body: vm },
      'GET /v1/vms': { body: { vms: [vm], counts: { total: 1, byStack: { python: 1 }, byOsVersion: { 'ubuntu-22.04': 1 } } } },
    });
    const argv = [
      'vm',
      'create',
      '--application',
      'shop',
      '--environment',
      'prod',
      '--team',
      'payments',
      '--stack',
      'python',
      '--os-version',
      'ubuntu-22.04',
      '--count',
      '1',
    ];
    const create = await run([...argv, '--api', api.url]);
    expect(create.stdout).toBe(`vr-1  1 VM\n  ${vm.name}  REQUESTED\n  http://ui/vr-1\n`);
    expect(api.requests[0]?.body).toEqual({ application: 'shop', environment: 'prod', team: 'payments', stack: 'python', osVersion: 'ubuntu-22.04', count: 1 });
    expect((await run(['vm', 'get', vm.name, '--api', api.url])).stdout).toContain('  platform     python on ubuntu-22.04, n2');
    const list = await run(['vm', 'list', '--application', 'shop', '--os-version', 'ubuntu-22.04', '--status', 'ready', '--api', api.url]);
    expect(api.requests.at(-1)?.url).toBe('/v1/vms?application=shop&osVersion=ubuntu-22.04&status=READY');
    expect(list.stdout.trim().split('\n').at(-1)).toBe('1 VMs · python 1 · ubuntu-22.04 1');
  });
});

describe('vm cancel', () => {
  const id = 'vr-0123456789abcdef';
  const cancelled = {
    id,
    message: `cancelled: 2 CANCELLED; jobs already submitted are left to the runner: shop-prod-java-u22-001 (proctor-abc)`,
    vms: [
      { name: 'shop-prod-java-u22-001', status: 'CANCELLED', jobName: 'proctor-abc' },
      { name: 'shop-prod-java-u22-002', status: 'CANCELLED', jobName: null },
    ],
  };

  it('POSTs the cancel without a body and prints the answer, a VM a line with its job', async () => {
    api = await fakeApi({ [`POST /v1/vm-requests/${id}/cancel`]: { status: 202, body: cancelled } });
    const { code, stdout } = await run(['vm', 'cancel', id, '--api', api.url]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [`${id}  ${cancelled.message}`, '  shop-prod-java-u22-001  CANCELLED  job proctor-abc', '  shop-prod-java-u22-002  CANCELLED', ''].join('\n'),
    );
    expect([api.requests[0]?.body, api.requests[0]?.headers['content-type']]).toEqual([undefined, undefined]);
    expect(JSON.parse((await run(['vm', 'cancel', id, '--json', '--api', api.url])).stdout)).toEqual(cancelled);
  });

  it('prints the reason and exits 2 when the request has finished', async () => {
    const message = `VM request ${id} cannot be cancelled: it has finished (2 READY)`;
    api = await fakeApi({ [`POST /v1/vm-requests/${id}/cancel`]: { status: 409, body: { error: 'ControlRejected', message } } });
    const { code, stderr } = await run(['vm', 'cancel', id, '--api', api.url]);
    expect([code, stderr]).toEqual([2, `error: ${message} (ControlRejected, HTTP 409)\n`]);
  });
});

describe('vm delete', () => {
  const name = 'shop-prod-java-u22-001';

  it('DELETEs the VM and prints its status; --wait polls until DECOMMISSIONED', async () => {
    let polls = 0;
    api = await fakeApi({
      [`DELETE /v1/vms/${name}`]: { status: 202, body: vmJson({ name, status: 'DECOMMISSIONING' }) },
      [`GET /v1/vms/${name}`]: () => ({ body: vmJson({ name, status: ++polls < 2 ? 'DECOMMISSIONING' : 'DECOMMISSIONED' }) }),
    });
    const started = await run(['vm', 'delete', name, '--api', api.url]);
    expect([started.code, started.stdout]).toEqual([0, `${name}  DECOMMISSIONING\n`]);
    expect(api.requests[0]).toMatchObject({ method: 'DELETE', url: `/v1/vms/${name}` });
    const waited = await run(['vm', 'delete', name, '--wait', '--api', api.url]);
    expect(waited.code).toBe(0);
    expect(waited.stdout.split('\n')[0]).toBe(`${name}  DECOMMISSIONED`);
    expect(polls).toBe(2);
  });

  it('exits 1 with the error when the decommission fails', async () => {
    const error = 'decommission job: decommission job proctor-1 FAILED; its log ends:\nERROR: no';
    api = await fakeApi({
      [`DELETE /v1/vms/${name}`]: { status: 202, body: vmJson({ name, status: 'DECOMMISSIONING' }) },
      [`GET /v1/vms/${name}`]: { body: vmJson({ name, status: 'DECOMMISSIONING', error }) },
    });
    const { code, stdout } = await run(['vm', 'delete', name, '--wait', '--api', api.url]);
    expect(code).toBe(1);
    expect(stdout).toContain('ERROR: no');
  });
});
