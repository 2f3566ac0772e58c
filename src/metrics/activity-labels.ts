import type { LogFields } from '../logger.ts';

/**
 * What an activity's name and input say about it, read from the outside so
 * that the activities need not know about logs or metrics. The step names
 * are those recordedStep stores (src/activities/host-activities.ts, lb-activities.ts).
 */
type StepOf = (input: Record<string, unknown>) => string | undefined;

const withRollback =
  (step: string): StepOf =>
  (input) =>
    input.rollback === true ? `rollback-${step}` : step;

const HOST_STEP_ACTIVITIES: Readonly<Record<string, StepOf>> = {
  inspectHost: () => 'inspect',
  stageRelease: () => 'stage',
  drainHost: withRollback('drain'),
  activateRelease: withRollback('activate'),
  restartService: withRollback('restart'),
  waitHealthy: withRollback('health'),
  // enable | full
  enableHost: (input) => (typeof input.step === 'string' ? input.step : 'enable'),
  restoreHost: () => 'rollback-enable',
};

/** Activities whose input `name` is a VM's name. */
const VM_ACTIVITIES: ReadonlySet<string> = new Set([
  'submitProvisioningJob',
  'pollProvisioningJob',
  'locateVm',
  'markVmReady',
  'markVmFailed',
  'markVmCancelled',
]);

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** The host step an activity runs, or undefined for bookkeeping and VM activities. */
export function hostStepOf(activityType: string, input: unknown): string | undefined {
  return HOST_STEP_ACTIVITIES[activityType]?.(record(input));
}

/** The log fields of one activity execution: deployment, host, step or VM when its input names them. */
export function activityLogFields(activityType: string, input: unknown): LogFields {
  const args = record(input);
  const fields: LogFields = { activity: activityType };
  if (typeof args.deploymentId === 'string') fields.deploymentId = args.deploymentId;
  const host = typeof args.host === 'string' ? args.host : record(args.host).name;
  if (typeof host === 'string') fields.host = host;
  const step = hostStepOf(activityType, input);
  if (step) fields.step = step;
  if (VM_ACTIVITIES.has(activityType) && typeof args.name === 'string') fields.vm = args.name;
  return fields;
}
