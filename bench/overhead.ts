import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { DeploymentStore, StepSummary } from '../src/domain/deployment.ts';
import { hostWorkflowId } from '../src/workflows/definitions.ts';
import type { OurRun } from './ours.ts';

export interface OverheadSamples {
  /**
   * Per host-step: the step's recorded start − the previous step's recorded end, on the same host.
   * Everything between two steps: the activity's completion reaching the workflow, the workflow
   * scheduling the next one (through the server for a regular activity, in the worker for a local
   * one), our code up to the step body, and recording both steps.
   */
  betweenStepsMs: number[];
  /** The host workflow's start (its first history event) → its first step's recorded start. */
  hostStartToFirstStepMs: number[];
  /** The step bodies' own durations, by step name (stage, drain, …). */
  stepWorkMs: Record<string, number[]>;
  /**
   * Per host: (the host workflow's wall time − Σ its steps' recorded durations) / steps.
   * Everything the orchestrator adds per step: workflow tasks, bookkeeping, child start and end.
   */
  perHostStepMs: number[];
}

/**
 * Reads where the time of our deploys went: the step timings the activities
 * recorded in the store, and the host workflows' start and end (history
 * event times, set by the server).
 */
export async function measureOverhead(client: Client, store: DeploymentStore, runs: OurRun[]): Promise<OverheadSamples> {
  const out: OverheadSamples = { betweenStepsMs: [], hostStartToFirstStepMs: [], perHostStepMs: [], stepWorkMs: {} };
  for (const run of runs) {
    const record = await store.getDeployment(run.id);
    const steps = await store.listSteps(run.id);
    for (const host of record?.hosts ?? []) {
      const hostSteps = steps
        .filter((s): s is StepSummary & { finishedAt: Date } => s.host === host.name && s.attempt === 1 && s.finishedAt !== undefined)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      if (hostSteps.length === 0) continue;
      hostSteps.forEach((s, i) => {
        const work = out.stepWorkMs[s.step] ?? [];
        work.push(s.finishedAt.getTime() - s.startedAt.getTime());
        out.stepWorkMs[s.step] = work;
        if (i > 0) out.betweenStepsMs.push(s.startedAt.getTime() - hostSteps[i - 1]!.finishedAt.getTime());
      });
      const events = (await client.workflow.getHandle(hostWorkflowId(run.workflowId, host.name)).fetchHistory()).events ?? [];
      const first = events[0] ? tsToMs(events[0].eventTime) : undefined;
      const last = events.at(-1) ? tsToMs(events.at(-1)!.eventTime) : undefined;
      if (first === undefined || last === undefined) continue;
      out.hostStartToFirstStepMs.push(hostSteps[0]!.startedAt.getTime() - first);
      const work = hostSteps.reduce((sum, s) => sum + (s.finishedAt.getTime() - s.startedAt.getTime()), 0);
      out.perHostStepMs.push((last - first - work) / hostSteps.length);
    }
  }
  return out;
}
