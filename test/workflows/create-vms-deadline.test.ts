import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVmActivities } from '../../src/activities/vm-activities.ts';
import { type Db, openDb } from '../../src/adapters/store/db.ts';
import { SqlVmStore } from '../../src/adapters/store/vm-store.ts';
import { buildProvisioningCatalog, DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import type { Provisioner } from '../../src/domain/vm.ts';
import { temporalTestServerPath } from '../../src/temporal/binaries.ts';
import type { CreateVmsOutcome } from '../../src/workflows/create-vms.ts';
import { recordWorkflow } from '../support/record-fixture.ts';
import { workflowBundle } from '../support/temporal.ts';
import { vmBody as body, freshApp } from './create-vms-world.ts';

// The half-hour deadline of the default catalog, in well under a second of
// test time: the time-skipping server, PGlite, a runner whose job never ends.

let db: Db;
let store: SqlVmStore;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  [db, env] = await Promise.all([
    openDb(),
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } }),
  ]);
  store = new SqlVmStore(db);
});
afterAll(async () => {
  await env?.teardown();
  await db?.close();
});

describe('createVms on the time-skipping server', () => {
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
      activities: createVmActivities({
        vmStore: store,
        provisioner: stuck,
        chef: { searchNodes: async () => [], deleteNode: async () => ({ node: 'absent', client: 'absent' }) },
        catalog: slow,
        logger: pino({ level: 'silent' }),
      }),
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
      jobName: 'proctor-stuck',
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
    // Every poll was a try that did not succeed; a plain WAITING is no error.
    expect(saved).toMatchObject({ attempts: polls.length, lastError: undefined });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
