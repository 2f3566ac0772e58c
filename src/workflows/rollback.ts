import { proxyActivities } from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { KeptReleases, RollbackInput } from '../domain/deploy-types.ts';
import { discovery } from './activity-options.ts';

const checker = proxyActivities<Activities>(discovery);

/**
 * The start of a rollback of a finished deploy, in place of the Chef search
 * and the artifact check: the original's snapshot, each host's target
 * release checked as still kept (a regular activity over SSH), nothing
 * downloaded. A release pruned since fails the rollback before any drain.
 */
export function checkKeptReleases(rollbackId: string, application: string, rollbackOf: RollbackInput): Promise<KeptReleases> {
  return checker.checkKeptReleases({ ...rollbackOf, rollbackId, application });
}

/** Per host: the kept release it goes back to and the one current at the check. */
export function keptReleases(rollbackOf: RollbackInput, found: KeptReleases): Map<string, { version: string; current: string | undefined }> {
  return new Map(rollbackOf.targets.map((t) => [t.host.name, { version: t.version, current: found.current[t.host.name] }]));
}
