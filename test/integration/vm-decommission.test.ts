import { appendFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HaproxyLoadBalancer } from '../../src/adapters/haproxy/load-balancer.ts';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import { hashToken, loadTokens } from '../../src/api/auth.ts';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { decommissionVmWorkflowId } from '../../src/domain/vm.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { DECOMMISSION_JOB, type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { recordWorkflow } from '../support/record-fixture.ts';
import { startVesemir, type Vesemir } from '../support/vesemir.ts';

// Decommissioning end to end on real peers: a VM created through the API
// (OS version shown inside it), made a server of the application's backend
// through HAProxy's runtime API, then DELETE /v1/vms/{name}: drained and
// deleted from the backend while traffic flows, the runner's job stops it,
// its Chef node is gone, the inventory says DECOMMISSIONED.

const PAYMENTS = 'payments-token-0123456789';
const SEARCH = 'search-token-0123456789';
let fleet: Fleet;
let runner: ProctorRunner;
let v: Vesemir;
let balancer: HaproxyLoadBalancer;

beforeAll(async () => {
  fleet = await startFleet({ vms: 1, secondApp: { name: 'blog', team: 'search', vms: 1 } });
  runner = await startProctorRunner({
    chef: fleet.chef.admin,
    // Out of HAProxy at first: the test adds it through Vesemir's own adapter.
    createVm: async (spec) => ({ address: (await fleet.addVm(spec.name, { osVersion: spec.osVersion, inBackend: false })).address }),
    stopVm: (name) => fleet.stopVm(name),
    defaultDelayMs: 200,
  });
  appendFileSync(
    fleet.env.VESEMIR_APPS_FILE!,
    stringify({ provisioning: { ...DEFAULT_PROVISIONING_SECTION, deadlineMinutes: 2, poll: { initialSeconds: 0.2, maxSeconds: 1 } } }),
  );
  writeFileSync(join(fleet.dir, 'proctor-token'), runner.credentials.accessToken, { mode: 0o600 });
  const tokensPath = join(fleet.dir, 'tokens.yaml');
  writeFileSync(
    tokensPath,
    stringify({
      tokens: [
        { name: 'payments-ci', team: 'payments', sha256: hashToken(PAYMENTS) },
        { name: 'search-ci', team: 'search', sha256: hashToken(SEARCH) },
      ],
    }),
  );
  v = await startVesemir(
    fleet,
    {
      PROCTOR_URL: runner.url,
      PROCTOR_EMAIL_ID: runner.credentials.emailId,
      PROCTOR_ACCESS_TOKEN_PATH: join(fleet.dir, 'proctor-token'),
      // Deleting nodes and clients takes a Chef client allowed to (docs/vms.md); the fleet's own one only searches.
      ...(await fleet.retirerEnv()),
    },
    { tokens: loadTokens(tokensPath) },
  );
  await v.startWorker();
  balancer = new HaproxyLoadBalancer(new TcpLbRuntime({ port: fleet.haproxies[0]!.adminPort }), { pollIntervalMs: 20 });
}, 180_000);
afterAll(async () => {
  await v?.close();
  await runner?.stop();
  await fleet?.stop();
});

type VmView = { name: string; status: string; address: string | null; error: string | null; transitions: { from: string | null; to: string }[] };
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const getVm = async (name: string): Promise<VmView> => (await v.api.inject({ method: 'GET', url: `/v1/vms/${name}`, headers: as(PAYMENTS) })).json();
const deleteVm = (name: string, token = PAYMENTS) => v.api.inject({ method: 'DELETE', url: `/v1/vms/${name}`, headers: as(token) });
const lbs = () => fleet.haproxies.map((h, i) => ({ name: fleet.lbBoxes[i]!.name, address: h.bindAddress }));
const serversInBackend = async () =>
  (await Promise.all(lbs().map((lb) => balancer.serverStates(lb, fleet.app.backend)))).map((states) => states.map((s) => s.server));
const decommissionJobs = (name: string) => runner.executions(name).filter((e) => e.job === DECOMMISSION_JOB);

async function createVm(): Promise<VmView> {
  const res = await v.api.inject({
    method: 'POST',
    url: '/v1/vms',
    headers: as(PAYMENTS),
    // Not java on 22.04: the recycle test decommissions those names on the same Temporal namespace (ids are per VM name).
    payload: { application: 'shop', environment: 'production', team: 'payments', stack: 'python', osVersion: 'ubuntu-22.04', count: 1 },
  });
  expect(res.statusCode, res.body).toBe(202);
  const name: string = res.json().vms[0].name;
  await expect.poll(async () => (await getVm(name)).status, { timeout: 60_000, interval: 200 }).toBe('READY');
  return getVm(name);
}

/** Whether anything accepts a TCP connection at address:port. */
function answers(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/** Requests through HAProxy, one after another, until stopped: what a client of the application sees. */
function trafficLoop() {
  let running = true;
  const counts = { ok: 0, failed: 0, servedBy: new Set<string>() };
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${fleet.haproxies[0]!.frontendUrl}/`);
        const body = await res.text();
        if (res.status === 200) counts.ok++;
        else counts.failed++;
        counts.servedBy.add(body.trim().split(' on ')[1] ?? '');
      } catch {
        counts.failed++;
      }
    }
  })();
  return {
    counts,
    async stop() {
      running = false;
      await loop;
      return counts;
    },
  };
}

describe('DELETE /v1/vms/{name}', () => {
  it('drains and removes the VM from HAProxy under traffic, stops it, deletes its Chef node, and says DECOMMISSIONED; repeats are harmless', async () => {
    const vm = await createVm();
    expect(vm.name).toBe('shop-production-python-ubuntu-2204-001');
    const osRelease = (await fleet.exec(vm.name, ['cat', '/etc/os-release'])).stdout;
    expect(osRelease).toContain('VERSION_ID="22.04"');
    expect(osRelease).toContain('ID=ubuntu');

    const added = await balancer.addServer(lbs(), fleet.app.backend, vm.name, { address: vm.address!, port: fleet.app.port, weight: 100 });
    expect(added.map((r) => r.added)).toEqual([true]);
    const traffic = trafficLoop();
    await expect.poll(() => traffic.counts.servedBy.has(vm.name), { timeout: 20_000, interval: 50 }).toBe(true);

    // Another team's token reaches neither the VM nor its application.
    const foreign = await deleteVm(vm.name, SEARCH);
    expect(foreign.statusCode, foreign.body).toBe(403);
    expect((await getVm(vm.name)).status).toBe('READY');

    const first = await deleteVm(vm.name);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ name: vm.name, status: 'DECOMMISSIONING' });
    // While it runs: the same run, not a second one.
    const again = await deleteVm(vm.name);
    expect(again.statusCode, again.body).toBe(202);

    const handle = v.ctx.client.workflow.getHandle(decommissionVmWorkflowId(vm.name));
    const outcome = await handle.result();
    await recordWorkflow(v.ctx.client, decommissionVmWorkflowId(vm.name), 'vm-decommissioned');
    expect(outcome).toMatchObject({ name: vm.name, changed: true, removedFrom: [`${fleet.app.backend}@${fleet.lbBoxes[0]!.name}`] });
    const counts = await traffic.stop();
    expect(counts.failed, JSON.stringify(counts)).toBe(0);
    expect(counts.ok).toBeGreaterThan(10);

    const done = await getVm(vm.name);
    expect(done.status).toBe('DECOMMISSIONED');
    expect(done.transitions.map((t) => t.to)).toEqual(['REQUESTED', 'PROVISIONING', 'READY', 'DECOMMISSIONING', 'DECOMMISSIONED']);
    expect((await serversInBackend()).flat()).not.toContain(vm.name);
    expect((await serversInBackend()).flat()).toContain(fleet.vms[0]!.name);
    expect(await answers(vm.address!, Number(fleet.env.SSH_PORT))).toBe(false);
    expect(await answers(vm.address!, fleet.app.port)).toBe(false);
    expect(await fleet.chef.admin.searchNodes(`name:${vm.name}`)).toEqual([]);
    expect(decommissionJobs(vm.name)).toHaveLength(1);

    const after = await deleteVm(vm.name);
    expect(after.statusCode, after.body).toBe(200);
    expect(after.json()).toMatchObject({ name: vm.name, status: 'DECOMMISSIONED' });
    expect(decommissionJobs(vm.name)).toHaveLength(1);
    expect((await getVm(vm.name)).transitions).toHaveLength(5);
  });

  it('a failed job leaves the VM DECOMMISSIONING with the error and the run FAILED with its type; a repeat finishes it', async () => {
    const vm = await createVm();
    runner.behave(vm.name, { outcome: 'fail', reason: 'the cloud refused to stop it' });
    expect((await deleteVm(vm.name)).statusCode).toBe(202);
    const failed = await v.ctx.client.workflow
      .getHandle(decommissionVmWorkflowId(vm.name))
      .result()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    await recordWorkflow(v.ctx.client, decommissionVmWorkflowId(vm.name), 'vm-decommission-failed');
    const cause = (failed as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('DecommissionFailed');
    const stuck = await getVm(vm.name);
    expect(stuck.status).toBe('DECOMMISSIONING');
    expect(stuck.error).toMatch(/^decommission job: decommission job proctor-\w+ FAILED; its log ends:\n[\s\S]*the cloud refused to stop it/);

    runner.behave(vm.name, {});
    expect((await deleteVm(vm.name)).statusCode).toBe(202);
    await expect.poll(async () => (await getVm(vm.name)).status, { timeout: 30_000, interval: 200 }).toBe('DECOMMISSIONED');
    expect((await getVm(vm.name)).error).toBeNull();
    expect(decommissionJobs(vm.name).map((e) => e.state)).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('answers 404 naming an unknown VM, and 409 for one still being created', async () => {
    const unknown = await deleteVm('shop-production-python-ubuntu-2204-999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('shop-production-python-ubuntu-2204-999');

    // Names are deterministic: its job is slowed before it is submitted.
    const name = 'shop-production-node-ubuntu-2004-001';
    runner.behave(name, { delayMs: 3000 });
    const res = await v.api.inject({
      method: 'POST',
      url: '/v1/vms',
      headers: as(PAYMENTS),
      payload: { application: 'shop', environment: 'production', team: 'payments', stack: 'node', osVersion: 'ubuntu-20.04', count: 1 },
    });
    expect(res.json().vms).toEqual([{ name, status: 'REQUESTED' }]);
    const early = await deleteVm(name);
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json()).toMatchObject({ error: 'VmStillProvisioning' });
    await expect.poll(async () => (await getVm(name)).status, { timeout: 30_000, interval: 200 }).toBe('READY');
    expect((await fleet.exec(name, ['cat', '/etc/os-release'])).stdout).toContain('VERSION_ID="20.04"');
  });
});
