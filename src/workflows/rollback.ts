import { proxyActivities } from '@temporalio/workflow';
import type { DeployActivities as Activities } from '../activities/index.ts';
import type { KeptReleases, KeptReleasesInput, RollbackInput } from '../domain/deploy-types.ts';
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

/**
 * The same check alone, before a rollback is accepted: the API waits for it
 * (briefly) so that a release already pruned is refused with a 409 at once.
 * Records nothing; the rollback checks again when its turn comes.
 */
export async function checkRollback(input: Omit<KeptReleasesInput, 'rollbackId'>): Promise<KeptReleases> {
  return checker.checkKeptReleases(input);
}

/** Per host: the kept release it goes back to and the one current at the check. */
export function keptReleases(rollbackOf: RollbackInput, current: KeptReleases['current']): Map<string, { version: string; current: string | undefined }> {
  return new Map(rollbackOf.targets.map((t) => [t.host.name, { version: t.version, current: current[t.host.name] }]));
}
