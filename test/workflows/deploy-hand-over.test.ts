import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockWorkflowId, pauseUpdate, progressQuery, resumeUpdate } from '../../src/workflows/definitions.ts';
import { fakeDeployRequest, newWorld, runFakeDeploy } from '../support/fake-activities.ts';
import { type TemporalHarness, temporalHarness } from '../support/temporal.ts';

// A deploy whose history fills hands over to a new run (continue-as-new): the
// limit is lowered here from HISTORY_EVENTS_PER_RUN to a few hosts' worth.

let t: TemporalHarness;
beforeAll(async () => {
  t = await temporalHarness();
});
afterAll(async () => {
  await t?.close();
});

const LIMIT = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every run of the deploy's workflow, oldest first, with its history length and how it closed. */
async function runsOf(client: Client, workflowId: string) {
  const runs: { runId: string; status: string; historyLength: number }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: run.runId, status: run.status.name, historyLength: run.historyLength ?? 0 });
  }
  return runs.reverse();
}

describe('deploy workflow: a full history hands over to a new run', () => {
  it('deploys 12 hosts over several runs, each history bounded, one status per deploy, the lock held throughout', async () => {
    const world = newWorld(12);
    let pausedAcross = false;
    let handedOverWhilePaused = false;
    const { outcome, handle } = await runFakeDeploy(t, world, fakeDeployRequest({ concurrency: 2 }), {
      historyEventsPerRun: LIMIT,
      fixture: 'handed-over',
      // A run whose history fills while paused hands over paused: the next run starts nothing until the resume.
      // Each pause and resume adds events, so a few rounds of them fill the history while paused.
      during: async (h) => {
        while ((await h.query(progressQuery)).hosts.filter((x) => x.status === 'DONE').length < 2) await sleep(50);
        for (let attempt = 0; attempt < 10 && !pausedAcross; attempt++) {
          await h.executeUpdate(pauseUpdate);
          const run = (await h.describe()).runId;
          await sleep(1500);
          if ((await h.describe()).runId !== run) {
            const calls = world.calls.length;
            await sleep(500);
            pausedAcross = (await h.query(progressQuery)).status === 'PAUSED' && world.calls.length === calls;
            handedOverWhilePaused = true;
          }
          await h.executeUpdate(resumeUpdate);
        }
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.hosts.map((r) => r.name).sort()).toEqual(world.hosts.map((h) => h.name).sort());
    expect(outcome.hosts.every((r) => r.status === 'DONE')).toBe(true);
    for (const host of world.hosts) expect(world.current.get(host.name)).toBe('v2');
    expect(world.maxDrained).toBe(2);
    expect(world.drained.size).toBe(0);
    expect(handedOverWhilePaused).toBe(true);
    expect(pausedAcross).toBe(true);
    // The deploy started and finished once, whatever the number of runs.
    expect(world.statuses[0]).toBe('RUNNING');
    expect(world.statuses.at(-1)).toBe('SUCCEEDED');
    expect(world.statuses.filter((s) => s === 'SUCCEEDED')).toHaveLength(1);
    const runs = await runsOf(t.client, handle.workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.slice(0, -1).every((r) => r.status === 'CONTINUED_AS_NEW')).toBe(true);
    expect(runs.at(-1)!.status).toBe('COMPLETED');
    // The limit plus the hosts in flight (2) finishing: never far past it.
    for (const run of runs) expect(run.historyLength).toBeLessThan(LIMIT + 25);
    // The lock was asked for once and released once, by the last run: the runs in between kept it.
    const lock = await t.client.workflow.getHandle(lockWorkflowId(t.taskQueue, 'shop', 'production')).fetchHistory();
    const signals = (lock.events ?? []).flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : [],
    );
    expect(signals.filter((s) => s === 'releaseLock')).toHaveLength(1);
    const released = (lock.events ?? []).find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'releaseLock');
    expect(released?.workflowExecutionSignaledEventAttributes?.externalWorkflowExecution?.runId).toBe(runs.at(-1)!.runId);
  });

  it('rolls back 8 done hosts over several runs after the 9th fails, and reports every host once', async () => {
    const world = newWorld(10);
    world.failing.add('vm9:health');
    const { outcome, handle } = await runFakeDeploy(t, world, fakeDeployRequest({ concurrency: 1, maxFailedHosts: 0, autoRollback: true }), {
      historyEventsPerRun: LIMIT,
    });
    expect(outcome.status).toBe('FAILED');
    const byName = new Map(outcome.hosts.map((r) => [r.name, r.status]));
    for (const name of ['vm1', 'vm2', 'vm3', 'vm4', 'vm5', 'vm6', 'vm7', 'vm8']) {
      expect(byName.get(name)).toBe('ROLLED_BACK');
      expect(world.current.get(name)).toBe('v1');
    }
    expect(byName.get('vm9')).toBe('ROLLED_BACK');
    expect(world.hostStatus.get('vm10')).toBe('SKIPPED');
    expect(world.drained.size).toBe(0);
    const runs = await runsOf(t.client, handle.workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const run of runs) expect(run.historyLength).toBeLessThan(LIMIT + 25);
  });
});
