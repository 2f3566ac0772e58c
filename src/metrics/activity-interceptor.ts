import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { TERMINAL_DEPLOYMENT_STATUSES } from '../domain/deployment.ts';
import { type LogFields, withLogFields } from '../logger.ts';
import { activityLogFields, hostStepOf } from './activity-labels.ts';
import type { Metrics } from './registry.ts';

const FINAL_STATUSES: ReadonlySet<string> = new Set(TERMINAL_DEPLOYMENT_STATUSES);

/**
 * Observes every activity from the worker's side, so the activities stay
 * free of metrics and logging plumbing:
 * - their pino lines (and the SDK's own "Activity completed/failed" lines)
 *   carry deploymentId, host, step (or vm) taken from the input;
 * - host steps feed the step-duration histogram; requestDeployLock,
 *   setDeploymentStatus and the VM state changes feed the deployment and
 *   provisioning counters, counted only once the activity succeeded (a
 *   failed write is retried, not counted).
 */
export function activityInterceptors(metrics?: Metrics): ActivityInterceptorsFactory {
  return (ctx: Context) => {
    const activityType = ctx.info.activityType;
    let fields: LogFields = { activity: activityType };
    return {
      inbound: {
        async execute(input, next) {
          fields = activityLogFields(activityType, input.args[0]);
          const begin = process.hrtime.bigint();
          let ok = false;
          try {
            const result = await withLogFields(fields, () => next(input));
            ok = true;
            return result;
          } finally {
            const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
            if (metrics) record(metrics, activityType, input.args[0], ok, seconds);
          }
        },
      },
      outbound: {
        getLogAttributes: (attributes, next) => next({ ...attributes, ...fields }),
      },
    };
  };
}

function record(metrics: Metrics, activityType: string, input: unknown, ok: boolean, seconds: number): void {
  const step = hostStepOf(activityType, input);
  if (step) {
    metrics.hostStepDuration.observe({ step, outcome: ok ? 'success' : 'failure' }, seconds);
    return;
  }
  if (!ok) return;
  const args = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  switch (activityType) {
    // Per run of the deploy workflow (a retry is a new run): queued, then started or not, then finished.
    case 'requestDeployLock':
      metrics.deploymentsQueued.inc();
      return;
    case 'setDeploymentStatus':
      if (args.turn === 'taken') metrics.deploymentsStarted.inc();
      if (typeof args.status === 'string' && FINAL_STATUSES.has(args.status)) {
        metrics.deploymentsFinished.inc({ outcome: args.turn === 'never-taken' ? `${args.status}_WHILE_QUEUED` : args.status });
      }
      return;
    case 'submitProvisioningJob':
      metrics.provisioningJobsSubmitted.inc();
      return;
    case 'markVmReady':
      metrics.provisioningJobsFinished.inc({ outcome: 'READY' });
      return;
    case 'markVmFailed':
      metrics.provisioningJobsFinished.inc({ outcome: 'FAILED' });
      return;
    case 'markVmCancelled':
      metrics.provisioningJobsFinished.inc({ outcome: 'CANCELLED' });
      return;
  }
}
