import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { DeploymentStore, StepSummary } from '../src/domain/deployment.ts';
import { hostWorkflowId } from '../src/workflows/definitions.ts';
import type { OurRun } from './ours.ts';

/** Activity type → the step it records, in the order a host runs them (enableHost runs twice). */
const STEP_OF: Record<string, string[]> = {
  stageRelease: ['stage'],
  drainHost: ['drain'],
  activateRelease: ['activate'],
  restartService: ['restart'],
  waitHealthy: ['health'],
  enableHost: ['enable', 'full'],
};

export interface OverheadSamples {
  /**
   * Scheduled → the step's recorded start: the server handing the task to our worker and our code
   * up to the step body. (The history's ActivityTaskStarted is written at completion on this server
   * version, so its time cannot split this further.)
   */
  beforeStepMs: number[];
  /** The step's recorded end → ActivityTaskCompleted: recording the step, completing the task. */
  afterStepMs: number[];
  /** The step bodies' own durations, by step name (stage, drain, …). */
  stepWorkMs: Record<string, number[]>;
  /** (Completed − Scheduled) − the step's own recorded duration: dispatch plus our code around the work. */
  activityOverheadMs: number[];
  /**
   * Per host: (the host workflow's wall time − Σ its steps' recorded durations) / steps.
   * Everything the orchestrator adds per step: workflow tasks, bookkeeping activities, child start.
   */
  perHostStepMs: number[];
}

/**
 * Reads where the time of our deploys went: the host workflows' histories
 * (ActivityTaskScheduled/Started/Completed event times, set by the server)
 * against the step timings the activities recorded in the store.
 */
export async function measureOverhead(client: Client, store: DeploymentStore, runs: OurRun[]): Promise<OverheadSamples> {
  const out: OverheadSamples = { beforeStepMs: [], afterStepMs: [], activityOverheadMs: [], perHostStepMs: [], stepWorkMs: {} };
  for (const run of runs) {
    const record = await store.getDeployment(run.id);
    const steps = await store.listSteps(run.id);
    for (const host of record?.hosts ?? []) {
      const hostSteps = steps.filter((s) => s.host === host.name && s.attempt === 1 && s.finishedAt);
      const recorded = (name: string) => hostSteps.find((x: StepSummary) => x.step === name);
      for (const s of hostSteps) {
        const list = out.stepWorkMs[s.step] ?? [];
        list.push(s.finishedAt!.getTime() - s.startedAt.getTime());
        out.stepWorkMs[s.step] = list;
      }
      const history = await client.workflow.getHandle(hostWorkflowId(run.workflowId, host.name)).fetchHistory();
      const events = history.events ?? [];
      const scheduled = new Map<string, { type: string; at: number }>();
      const seen: Record<string, number> = {};
      for (const e of events) {
        const at = tsToMs(e.eventTime);
        if (e.activityTaskScheduledEventAttributes) {
          scheduled.set(String(e.eventId), { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '', at });
        } else if (e.activityTaskCompletedEventAttributes) {
          const id = String(e.activityTaskCompletedEventAttributes.scheduledEventId);
          const s = scheduled.get(id);
          const names = s ? STEP_OF[s.type] : undefined;
          if (!s || !names) continue;
          const step = names[Math.min(seen[s.type] ?? 0, names.length - 1)]!;
          seen[s.type] = (seen[s.type] ?? 0) + 1;
          const rec = recorded(step);
          if (!rec?.finishedAt) continue;
          out.beforeStepMs.push(rec.startedAt.getTime() - s.at);
          out.afterStepMs.push(at - rec.finishedAt.getTime());
          out.activityOverheadMs.push(at - s.at - (rec.finishedAt.getTime() - rec.startedAt.getTime()));
        }
      }
      const first = events[0] ? tsToMs(events[0].eventTime) : undefined;
      const last = events.at(-1) ? tsToMs(events.at(-1)!.eventTime) : undefined;
      const work = hostSteps.reduce((sum, s) => sum + (s.finishedAt!.getTime() - s.startedAt.getTime()), 0);
      if (first !== undefined && last !== undefined && hostSteps.length > 0) {
        out.perHostStepMs.push((last - first - work) / hostSteps.length);
      }
    }
  }
  return out;
}
