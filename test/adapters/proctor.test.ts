import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProctorClient } from '../../src/adapters/proctor/client.ts';
import type { ProvisioningJob } from '../../src/domain/vm.ts';
import { type Goiardi, startGoiardi } from '../fleet/goiardi.ts';
import { allocateSubnet, freePort, waitFor } from '../fleet/net.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';

// ProctorClient over HTTP against the Proctor-compatible runner, whose jobs
// register the VMs they create in a real goiardi.

const ip = allocateSubnet();
let chef: Goiardi;
let runner: ProctorRunner;
let client: ProctorClient;
let created = 0;

beforeAll(async () => {
  chef = await startGoiardi();
  runner = await startProctorRunner({
    chef: chef.admin,
    createVm: async () => ({ address: ip(++created + 10) }),
    defaultDelayMs: 50,
  });
  client = new ProctorClient({ baseUrl: runner.url, ...runner.credentials });
});
afterAll(async () => {
  await runner?.stop();
  await chef?.stop();
});

function job(vmName: string, overrides: Partial<ProvisioningJob> = {}): ProvisioningJob {
  return {
    job: 'create-vm',
    args: { VM_NAME: vmName, APPLICATION: 'shop', ENVIRONMENT: 'production', TAGS: 'app-shop,stack-java' },
    requestId: vmName,
    ...overrides,
  };
}

async function settled(executionName: string) {
  let last = await client.status(executionName);
  await waitFor(`${executionName} to finish`, async () => {
    last = await client.status(executionName);
    return last.state === 'SUCCEEDED' || last.state === 'FAILED';
  });
  return last;
}

describe('ProctorClient against the job runner', () => {
  it('runs a VM-creation job that registers the VM in Chef with the application tags', async () => {
    // long enough for the first poll to see it still running, even on a busy machine
    runner.behave('shop-production-java-ubuntu-2204-001', { delayMs: 1500 });
    const { executionName } = await client.submit(job('shop-production-java-ubuntu-2204-001'));
    expect(executionName).toMatch(/^proctor-[0-9a-f]+$/);
    expect(await client.status(executionName)).toEqual({ state: 'WAITING', raw: 'WAITING' });
    expect(await settled(executionName)).toEqual({ state: 'SUCCEEDED', raw: 'SUCCEEDED' });
    const address = runner.execution('shop-production-java-ubuntu-2204-001')?.address;
    expect(address).toMatch(/^127\./);
    expect(await chef.admin.searchNodes('name:shop-production-java-ubuntu-2204-001')).toEqual([{ name: 'shop-production-java-ubuntu-2204-001', address }]);
    expect(await chef.admin.searchNodes('tags:app-shop AND chef_environment:production')).toContainEqual({
      name: 'shop-production-java-ubuntu-2204-001',
      address,
    });
  });

  it('answers a resubmission of the same request with the same execution, creating one job', async () => {
    const name = 'shop-production-java-ubuntu-2204-002';
    const first = await client.submit(job(name));
    const second = await client.submit(job(name));
    expect(second).toEqual(first);
    expect(runner.submissions(name)).toBe(2);
    expect(runner.jobsCreated(name)).toBe(1);
    expect(await settled(first.executionName)).toMatchObject({ state: 'SUCCEEDED' });
  });

  it('reports a failed job as FAILED, and its reason from the tail of its log (a WebSocket, as Proctor streams it)', async () => {
    runner.behave('shop-production-java-ubuntu-2204-003', { outcome: 'fail', reason: 'no capacity in europe-west1-b' });
    const { executionName } = await client.submit(job('shop-production-java-ubuntu-2204-003'));
    expect(await settled(executionName)).toEqual({ state: 'FAILED', raw: 'FAILED' });
    expect(await chef.admin.searchNodes('name:shop-production-java-ubuntu-2204-003')).toEqual([]);
    const log = await client.logTail(executionName);
    expect(log).toEqual([expect.stringMatching(/^creating VM shop-production-java-ubuntu-2204-003 with VM_NAME=/), 'ERROR: no capacity in europe-west1-b']);
    expect(log[0]!.length).toBeGreaterThan(125); // a frame with the 16-bit length
    expect(await client.logTail(executionName, { lines: 1 })).toEqual(['ERROR: no capacity in europe-west1-b']);
    expect(await client.logTail('proctor-never-heard-of')).toEqual([]);
    const wrong = new ProctorClient({ baseUrl: runner.url, emailId: runner.credentials.emailId, accessToken: 'not-the-token' });
    await expect(wrong.logTail(executionName)).rejects.toMatchObject({ type: 'ProvisionerUnavailable', message: expect.stringContaining('HTTP 401') });
  });

  it('passes ambiguous and unknown answers on as not definitive', async () => {
    runner.behave('shop-production-java-ubuntu-2204-004', { ambiguous: 2, delayMs: 0 });
    const { executionName } = await client.submit(job('shop-production-java-ubuntu-2204-004'));
    await waitFor('the job to finish', () => runner.execution('shop-production-java-ubuntu-2204-004')?.state === 'SUCCEEDED');
    expect(await client.status(executionName)).toEqual({ state: 'AMBIGUOUS', raw: 'NO_DEFINITIVE_JOB_EXECUTION_STATUS_FOUND' });
    expect(await client.status(executionName)).toEqual({ state: 'AMBIGUOUS', raw: 'JOB_EXECUTION_STATUS_FETCH_ERROR' });
    expect(await client.status(executionName)).toEqual({ state: 'SUCCEEDED', raw: 'SUCCEEDED' });

    runner.behave('shop-production-java-ubuntu-2204-005', { ambiguous: 1, ambiguousAnswer: 'NOT_FOUND', outcome: 'hang' });
    const hung = await client.submit(job('shop-production-java-ubuntu-2204-005'));
    expect(await client.status(hung.executionName)).toEqual({ state: 'NOT_FOUND', raw: 'NOT_FOUND' });
    expect(await client.status(hung.executionName)).toEqual({ state: 'WAITING', raw: 'WAITING' });
    expect(await client.status('proctor-never-heard-of')).toMatchObject({ state: 'NOT_FOUND' });
  });

  it('refuses for good on bad credentials or an unknown job, and never echoes the token', async () => {
    const wrong = new ProctorClient({ baseUrl: runner.url, emailId: runner.credentials.emailId, accessToken: 'not-the-token-s3cret' });
    const refused = await wrong.submit(job('shop-production-java-ubuntu-2204-006')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ type: 'ProvisionerRejected', message: expect.stringContaining('HTTP 401') });
    expect(JSON.stringify(refused) + String(refused)).not.toContain('s3cret');
    await expect(client.submit(job('shop-production-java-ubuntu-2204-006', { job: 'drop-database' }))).rejects.toMatchObject({
      type: 'ProvisionerRejected',
      message: expect.stringContaining('HTTP 404'),
    });
    expect(runner.jobsCreated('shop-production-java-ubuntu-2204-006')).toBe(0);
  });

  it('reports an unreachable runner as retryable', async () => {
    const nowhere = new ProctorClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, emailId: 'a@b', accessToken: 't', timeoutMs: 1000 });
    await expect(nowhere.status('proctor-x')).rejects.toMatchObject({ type: 'ProvisionerUnavailable' });
  });
});
