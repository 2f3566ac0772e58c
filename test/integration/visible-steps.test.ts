import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { describe, expect, inject, it } from 'vitest';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { deployHeldInHealthWait } from '../support/held-health-wait.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// The promise to operators, checked with the tools they use: while a
// host waits for health, `temporal workflow describe` shows the pending step
// with its attempt and heartbeat; afterwards the host's history holds one
// scheduled/started/completed activity per step, which the UI draws as a bar.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 1 }, (s) => ({ fleet, v } = s));

interface PendingActivity {
  activityType: { name: string };
  state: string;
  attempt: number;
  lastHeartbeatTime?: string;
  /** The CLI decodes the JSON payloads: `[{ "probe": 3 }]`. */
  heartbeatDetails?: unknown[];
}

const describeWorkflow = async (workflowId: string): Promise<{ pendingActivities?: PendingActivity[] }> => {
  const args = ['workflow', 'describe', '--address', inject('temporalAddress'), '--workflow-id', workflowId, '--output', 'json'];
  const { stdout } = await promisify(execFile)(temporalCliPath(), args);
  return JSON.parse(stdout);
};

const probeOf = (pending: PendingActivity): number | undefined => (pending.heartbeatDetails?.[0] as { probe?: number } | null | undefined)?.probe;

type Event = temporal.api.history.v1.IHistoryEvent;
const nanos = (e: Event) => BigInt(String(e.eventTime?.seconds ?? 0)) * 1_000_000_000n + BigInt(e.eventTime?.nanos ?? 0);

/** Each activity of a history: its type and its scheduled, started and closing events. */
function activityRuns(events: Event[]) {
  const runs = new Map<string, { name: string; scheduled: Event; started: Event[]; completed: Event[] }>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) runs.set(String(e.eventId), { name: scheduled.activityType?.name ?? '?', scheduled: e, started: [], completed: [] });
    const started = e.activityTaskStartedEventAttributes;
    if (started) runs.get(String(started.scheduledEventId))?.started.push(e);
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) runs.get(String(completed.scheduledEventId))?.completed.push(e);
  }
  return [...runs.values()];
}

describe('host steps in the Temporal UI', () => {
  it('shows the held health wait as a pending waitHealthy with attempt and heartbeat, then one activity per step', async () => {
    const { id, vm, lastStep: stepOf, release } = await deployHeldInHealthWait(fleet, v);
    const hostWorkflowId = `deploy-${id}/host/${vm}`;
    const pendingHealth = async () => (await describeWorkflow(hostWorkflowId)).pendingActivities?.find((a) => a.activityType.name === 'waitHealthy');

    try {
      // The first heartbeat goes out at once, later ones at most every 4 s (80 % of the 5 s timeout).
      let waiting: PendingActivity | undefined;
      await expect
        .poll(
          async () => {
            waiting = await pendingHealth();
            return waiting?.lastHeartbeatTime !== undefined && probeOf(waiting) !== undefined;
          },
          { timeout: 15_000, interval: 250 },
        )
        .toBe(true);
      expect(waiting!.state).toBe('PENDING_ACTIVITY_STATE_STARTED');
      expect(waiting!.attempt).toBeGreaterThanOrEqual(1);
      const firstBeat = Date.parse(waiting!.lastHeartbeatTime!);
      const firstProbe = probeOf(waiting!)!;
      expect(firstProbe).toBeGreaterThanOrEqual(1);
      // Later heartbeats move on and still carry the probe number while the host keeps failing.
      await expect
        .poll(
          async () => {
            const again = await pendingHealth();
            return again !== undefined && Date.parse(again.lastHeartbeatTime!) > firstBeat && (probeOf(again) ?? 0) > firstProbe;
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(true);
      expect(await stepOf()).toBe('health RUNNING');
    } finally {
      await release();
    }

    const done = await waitForDeployment(v.api, id);
    expect(done.status, JSON.stringify(done, null, 1)).toBe('SUCCEEDED');
    expect(done.hosts[0].status).toBe('DONE');

    const history = await v.ctx.client.workflow.getHandle(hostWorkflowId).fetchHistory();
    const runs = activityRuns(history.events ?? []);
    // pruneReleases is the host's housekeeping beside the steps: an activity too, started after activate.
    expect(runs.map((r) => r.name)).toEqual([
      'inspectHost',
      'stageRelease',
      'drainHost',
      'activateRelease',
      'pruneReleases',
      'restartService',
      'waitHealthy',
      'enableHost',
      'enableHost',
    ]);
    for (const run of runs) {
      expect([run.name, run.started.length, run.completed.length]).toEqual([run.name, 1, 1]);
      expect(nanos(run.completed[0]!) > nanos(run.started[0]!), `${run.name} has a zero duration`).toBe(true);
    }
    const health = runs.find((r) => r.name === 'waitHealthy')!;
    expect(Number(nanos(health.completed[0]!) - nanos(health.scheduled)) / 1e6).toBeGreaterThan(1000);
  });
});
