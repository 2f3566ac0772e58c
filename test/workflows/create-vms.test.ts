import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVmActivities } from '../../src/activities/vm-activities.ts';
import { ProctorClient } from '../../src/adapters/proctor/client.ts';
import { type Db, openDb } from '../../src/adapters/store/db.ts';
import { SqlVmStore } from '../../src/adapters/store/vm-store.ts';
import { auth } from '../../src/api/auth.ts';
import { installErrorHandler } from '../../src/api/errors.ts';
import { validatorCompiler } from '../../src/api/validation.ts';
import { VmRequestService } from '../../src/api/vm-request-service.ts';
import { vmLinkBuilder, vmsRoutes } from '../../src/api/vms-routes.ts';
import { buildProvisioningCatalog, DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import type { Provisioner } from '../../src/domain/vm.ts';
import { temporalTestServerPath } from '../../src/temporal/binaries.ts';
import { Application, Environment, Team } from '../../src/temporal/search-attributes.ts';
import { type CreateVmsOutcome, vmsProgressQuery } from '../../src/workflows/create-vms.ts';
import { type Goiardi, startGoiardi } from '../fleet/goiardi.ts';
import { allocateSubnet } from '../fleet/net.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { recordWorkflow } from '../support/record-fixture.ts';
import { type TemporalHarness, temporalHarness, workflowBundle } from '../support/temporal.ts';

// createVms end to end on the shared dev server: the HTTP API, the real
// activities, PGlite, ProctorClient → the Proctor-compatible runner → goiardi.

const ip = allocateSubnet();
const logger = pino({ level: 'silent' });
const catalog = buildProvisioningCatalog({ ...DEFAULT_PROVISIONING_SECTION, deadlineMinutes: 1, poll: { initialSeconds: 0.1, maxSeconds: 0.5 } });
let t: TemporalHarness;
let native: NativeConnection;
let worker: { stop(): Promise<void> } | undefined;
let chef: Goiardi;
let runner: ProctorRunner;
let db: Db;
let store: SqlVmStore;
let app: FastifyInstance;
/** VMs whose first submission reaches the runner but whose answer is lost, as if the worker died. */
const losesFirstAnswer = new Set<string>();

async function openInventory(): Promise<Db> {
  const opened = await openDb();
  return opened;
}

beforeAll(async () => {
  [t, chef, db] = await Promise.all([temporalHarness(), startGoiardi(), openInventory()]);
  store = new SqlVmStore(db);
  let next = 10;
  runner = await startProctorRunner({ chef: chef.admin, createVm: async () => ({ address: ip(next++) }), defaultDelayMs: 100 });
  const proctor = new ProctorClient({ baseUrl: runner.url, ...runner.credentials });
  const provisioner: Provisioner = {
    status: (name) => proctor.status(name),
    async submit(job) {
      const answer = await proctor.submit(job);
      if (losesFirstAnswer.delete(job.requestId)) throw new Error('socket hang up');
      return answer;
    },
  };
  native = await NativeConnection.connect({ address: t.address });
  const activities = createVmActivities({ vmStore: store, provisioner, chef: chef.admin, catalog, logger });
  const w = await Worker.create({ connection: native, taskQueue: t.taskQueue, workflowBundle: await workflowBundle(), activities });
  const running = w.run();
  worker = {
    async stop() {
      w.shutdown();
      await running;
    },
  };
  const service = new VmRequestService({ store, client: t.client, taskQueue: t.taskQueue, catalog });
  app = Fastify().withTypeProvider();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // Auth off: every caller is an admin (the 401/403 matrix is tested in test/api).
  await app.register(auth, {});
  await app.register(vmsRoutes({ service, store, links: vmLinkBuilder('http://api', 'http://ui', 'default') }));
});

afterAll(async () => {
  await worker?.stop();
  await native?.close();
  await t?.close();
  await app?.close();
  await runner?.stop();
  await chef?.stop();
  await db?.close();
});

const body = (application: string, extra: Record<string, unknown> = {}) => ({
  application,
  environment: 'production',
  team: 'payments',
  stack: 'java',
  osVersion: 'ubuntu-22.04',
  count: 2,
  ...extra,
});
const freshApp = () => `shop${randomUUID().slice(0, 6)}`;
const post = (payload: unknown, key?: string) =>
  app.inject({ method: 'POST', url: '/v1/vms', payload: payload as object, headers: key ? { 'idempotency-key': key } : {} });
const finished = (id: string) => t.client.workflow.getHandle(`create-vms-${id}`).result() as Promise<CreateVmsOutcome>;
const get = async (url: string) => (await app.inject({ method: 'GET', url })).json();

describe('createVms on the dev server, through the API', () => {
  it('creates each VM with one job, polls past ambiguous answers and reads its address from Chef', async () => {
    const application = freshApp();
    const [vm1, vm2] = [1, 2].map((n) => `${application}-production-java-ubuntu-2204-00${n}`) as [string, string];
    losesFirstAnswer.add(vm1);
    runner.behave(vm2, { ambiguous: 3 });
    const accepted = await post(body(application));
    expect(accepted.statusCode).toBe(202);
    const { id, vms, links } = accepted.json();
    expect(vms).toEqual([
      { name: vm1, status: 'REQUESTED' },
      { name: vm2, status: 'REQUESTED' },
    ]);
    expect(links).toEqual({ self: `http://api/v1/vm-requests/${id}`, temporalUi: `http://ui/namespaces/default/workflows/create-vms-${id}` });

    const outcome = await finished(id);
    await recordWorkflow(t.client, `create-vms-${id}`, 'vms-created');
    expect(outcome.vms.map((v) => [v.name, v.status])).toEqual([
      [vm1, 'READY'],
      [vm2, 'READY'],
    ]);
    for (const name of [vm1, vm2]) {
      const view = await get(`/v1/vms/${name}`);
      expect(view).toMatchObject({
        status: 'READY',
        address: runner.execution(name)?.address,
        jobName: runner.execution(name)?.name,
        machineType: 'n2-standard-2',
      });
      expect(view.transitions.map((tr: { from: string; to: string }) => `${tr.from}→${tr.to}`)).toEqual([
        'null→REQUESTED',
        'REQUESTED→PROVISIONING',
        'PROVISIONING→READY',
      ]);
      expect(runner.jobsCreated(name)).toBe(1);
    }
    expect(runner.submissions(vm1)).toBe(2);
    expect(runner.execution(vm2)?.statusPolls).toBeGreaterThanOrEqual(4);
    const { typedSearchAttributes } = await t.client.workflow.getHandle(`create-vms-${id}`).describe();
    expect([Application, Environment, Team].map((k) => typedSearchAttributes.get(k))).toEqual([application, 'production', 'payments']);
  });

  it('marks a VM whose job FAILED as FAILED with the reason; its sibling still comes up', async () => {
    const application = freshApp();
    const doomed = `${application}-production-java-ubuntu-2204-001`;
    runner.behave(doomed, { outcome: 'fail' });
    const { id } = (await post(body(application))).json();
    const outcome = await finished(id);
    await recordWorkflow(t.client, `create-vms-${id}`, 'vms-failed');
    expect(outcome.vms.map((v) => v.status)).toEqual(['FAILED', 'READY']);
    const view = await get(`/v1/vms/${doomed}`);
    expect(view.status).toBe('FAILED');
    expect(view.error).toBe(`job ${view.jobName}: provisioning job ${view.jobName} FAILED`);
    expect(view.transitions.at(-1)).toMatchObject({ from: 'PROVISIONING', to: 'FAILED', reason: view.error });
    const request = await get(`/v1/vm-requests/${id}`);
    expect(request).toMatchObject({ id, application, count: 2, machineType: 'n2-standard-2' });
    expect(request.vms.map((v: { status: string }) => v.status)).toEqual(['FAILED', 'READY']);
    const progress = await t.client.workflow.getHandle(`create-vms-${id}`).query(vmsProgressQuery);
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
    expect(second.json()).toEqual(first.json());
    await finished(first.json().id);
    const third = await post(body(application, { count: 1 }), key);
    expect(third.json().vms).toEqual([{ name: `${application}-production-java-ubuntu-2204-001`, status: 'READY' }]);
    expect(runner.jobsCreated(`${application}-production-java-ubuntu-2204-001`)).toBe(1);
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
    expect(unknown.json().supported).toHaveLength(6);
    expect(unknown.json().supported[0]).toEqual({ stack: 'java', osVersion: 'ubuntu-22.04', machineTypes: ['n2-standard-2', 'n2-standard-4', 'n2-highmem-4'] });
    const machine = await post(body('shop', { machineType: 'm5.large' }));
    expect([machine.statusCode, machine.json().error]).toEqual([422, 'UnsupportedMachineType']);
    expect((await app.inject({ method: 'GET', url: '/v1/vms/no-such-vm-001' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/vms?status=DONE' })).statusCode).toBe(400);
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

describe('createVms on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('fails a job stuck in WAITING at the deadline, polling at growing intervals', async () => {
    const application = freshApp();
    const polls: { attempt: number; scheduledAt: number }[] = [];
    const stuck: Provisioner = {
      submit: async () => ({ executionName: 'proctor-stuck' }),
      async status() {
        const { attempt, currentAttemptScheduledTimestampMs } = Context.current().info;
        polls.push({ attempt, scheduledAt: currentAttemptScheduledTimestampMs });
        return { state: 'WAITING', raw: 'WAITING' };
      },
    };
    const slow = buildProvisioningCatalog(DEFAULT_PROVISIONING_SECTION); // 30 minutes, polls 2 s doubling to 60 s
    const { record } = await store.createRequest({
      ...body(application, { count: 1 }),
      machineType: 'n2-standard-2',
      id: `vr-${randomUUID()}`,
      workflowId: 'unused',
      requestedBy: 'payments',
      createdAt: new Date(),
    } as Parameters<SqlVmStore['createRequest']>[0]);
    const taskQueue = 'create-vms-time-skipping';
    const w = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createVmActivities({ vmStore: store, provisioner: stuck, chef: chef.admin, catalog: slow, logger }),
    });
    const started = Date.now();
    const outcome = (await w.runUntil(
      env.client.workflow.execute('createVms', {
        workflowId: `create-vms-${record.id}`,
        taskQueue,
        args: [
          {
            requestId: record.id,
            application,
            environment: 'production',
            team: 'payments',
            vms: [record.vms[0]!.name],
            deadlineSeconds: slow.deadlineSeconds,
            poll: slow.poll,
          },
        ],
      }),
    )) as CreateVmsOutcome;
    await recordWorkflow(env.client, `create-vms-${record.id}`, 'vms-deadline');

    expect(outcome.vms[0]).toEqual({
      name: record.vms[0]!.name,
      status: 'FAILED',
      error: `job proctor-stuck: no definitive result within the 1800s deadline; last: provisioning job proctor-stuck is WAITING (poll ${polls.length})`,
    });
    expect(polls.map((p) => p.attempt)).toEqual(polls.map((_, i) => i + 1));
    // The first attempt's own time is when it was scheduled; each later one records when its wait began.
    const waits = polls
      .slice(1)
      .map((p, i) => Math.round((p.scheduledAt - polls[i]!.scheduledAt) / 1000))
      .slice(1);
    expect(waits.slice(0, 6)).toEqual([2, 4, 8, 16, 32, 60]);
    expect(waits.slice(5).every((s) => s === 60)).toBe(true);
    expect(polls.at(-1)!.scheduledAt - polls[0]!.scheduledAt).toBeLessThanOrEqual(1800_000);
    expect(polls.length).toBeGreaterThan(25);
    const saved = await store.getVm(record.vms[0]!.name);
    expect(saved?.transitions.map((tr) => tr.to)).toEqual(['REQUESTED', 'PROVISIONING', 'FAILED']);
    expect(saved?.error).toBe(outcome.vms[0]!.error);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
