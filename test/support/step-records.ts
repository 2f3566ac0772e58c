import { expect } from 'vitest';

/** A step record as `GET /v1/deployments/{id}/logs` lists it. */
export interface StepRecord {
  step: string;
  attempt: number;
  status: string;
  startedAt: string;
  worker: string | null;
}

/**
 * Step records are append-only: every record read before a process died is
 * still there after the restart, the same execution (step, attempt, start,
 * worker), and one that had finished is unchanged in every field.
 */
export function expectRecordsKept(before: StepRecord[], after: StepRecord[]): void {
  expect(after).toEqual(expect.arrayContaining(before.filter((s) => s.status !== 'RUNNING')));
  const identity = ({ step, attempt, startedAt, worker }: StepRecord) => ({ step, attempt, startedAt, worker });
  expect(after.map(identity)).toEqual(expect.arrayContaining(before.map(identity)));
}
