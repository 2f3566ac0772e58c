import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
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
import type { CreateVmsOutcome } from '../../src/workflows/create-vms.ts';
import { type Goiardi, startGoiardi } from '../fleet/goiardi.ts';
import { allocateSubnet } from '../fleet/net.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { type TemporalHarness, temporalHarness, workflowBundle } from '../support/temporal.ts';

/**
 * createVms end to end on the run's dev server, for one test file: the HTTP
 * API (auth off: the 401/403 matrix is tested in test/api), the real
 * activities, PGlite, ProctorClient → the Proctor-compatible runner → goiardi.
 */
export interface CreateVmsWorld {
  t: TemporalHarness;
  chef: Goiardi;
  runner: ProctorRunner;
  store: SqlVmStore;
  app: FastifyInstance;
  /** VMs whose first submission reaches the runner but whose answer is lost, as if the worker died. */
  losesFirstAnswer: Set<string>;
}

export interface CreateVmsWorldOptions {
  /** The runner's REQUEST_ID deduplication. @default true */
  deduplicate?: boolean;
  /** @default 100 */
  jobDelayMs?: number;
}

const logger = pino({ level: 'silent' });
export const fastCatalog = buildProvisioningCatalog({ ...DEFAULT_PROVISIONING_SECTION, deadlineMinutes: 1, poll: { initialSeconds: 0.1, maxSeconds: 0.5 } });

/** Starts the world before the file's tests and stops it after; read its parts inside tests. */
export function createVmsWorld(options: CreateVmsWorldOptions = {}): CreateVmsWorld {
  const world = { losesFirstAnswer: new Set<string>() } as CreateVmsWorld;
  let db: Db;
  let native: NativeConnection;
  let stopWorker: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    [world.t, world.chef, db] = await Promise.all([temporalHarness(), startGoiardi(), openDb()]);
    world.store = new SqlVmStore(db);
    const ip = allocateSubnet();
    let next = 10;
    world.runner = await startProctorRunner({
      chef: world.chef.admin,
      createVm: async () => ({ address: ip(next++) }),
      defaultDelayMs: options.jobDelayMs ?? 100,
      deduplicate: options.deduplicate,
    });
    const proctor = new ProctorClient({ baseUrl: world.runner.url, ...world.runner.credentials });
    const provisioner: Provisioner = {
      status: (name, o) => proctor.status(name, o),
      logTail: (name, o) => proctor.logTail(name, o),
      async submit(job) {
        const answer = await proctor.submit(job);
        if (world.losesFirstAnswer.delete(job.requestId)) throw new Error('socket hang up');
        return answer;
      },
    };
    native = await NativeConnection.connect({ address: world.t.address });
    const activities = createVmActivities({ vmStore: world.store, provisioner, chef: world.chef.admin, catalog: fastCatalog, logger });
    const w = await Worker.create({ connection: native, taskQueue: world.t.taskQueue, workflowBundle: await workflowBundle(), activities });
    const running = w.run();
    stopWorker = async () => {
      w.shutdown();
      await running;
    };
    const service = new VmRequestService({ store: world.store, client: world.t.client, taskQueue: world.t.taskQueue, catalog: fastCatalog });
    world.app = Fastify().withTypeProvider();
    world.app.setValidatorCompiler(validatorCompiler);
    world.app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(world.app);
    await world.app.register(auth, {});
    await world.app.register(vmsRoutes({ service, store: world.store, links: vmLinkBuilder('http://api', 'http://ui', 'default') }));
  });
  afterAll(async () => {
    await stopWorker?.();
    await native?.close();
    await world.t?.close();
    await world.app?.close();
    await world.runner?.stop();
    await world.chef?.stop();
    await db?.close();
  });
  return world;
}

export const vmBody = (application: string, extra: Record<string, unknown> = {}) => ({
  application,
  environment: 'production',
  team: 'payments',
  stack: 'java',
  osVersion: 'ubuntu-22.04',
  count: 2,
  ...extra,
});
export const freshApp = () => `shop${randomUUID().slice(0, 6)}`;
/** The n-th VM name of a fresh application's default request. */
export const vmName = (application: string, n: number) => `${application}-production-java-ubuntu-2204-${String(n).padStart(3, '0')}`;

/** The world's HTTP and Temporal calls, a line each in the tests. */
export function calls(world: CreateVmsWorld) {
  return {
    post: (payload: unknown, key?: string) =>
      world.app.inject({ method: 'POST', url: '/v1/vms', payload: payload as object, headers: key ? { 'idempotency-key': key } : {} }),
    get: async (url: string) => (await world.app.inject({ method: 'GET', url })).json(),
    cancel: (id: string) => world.app.inject({ method: 'POST', url: `/v1/vm-requests/${id}/cancel` }),
    finished: (id: string) => world.t.client.workflow.getHandle(`create-vms-${id}`).result() as Promise<CreateVmsOutcome>,
  };
}
