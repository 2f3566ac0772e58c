import type { DeployRequest } from './deploy-request.ts';
import type { HostResult, RollbackTarget } from './deploy-types.ts';
import type { DeploymentRecord, DeploymentStatus } from './deployment.ts';
import { ErrorType, VesemirError } from './errors.ts';
import type { Host } from './ports.ts';
import { currentLink, releaseDir } from './release-commands.ts';

/** What a rollback of a finished deploy is checked against before anything starts. */
export interface RollbackFacts {
  original: Pick<DeploymentRecord, 'id' | 'status' | 'createdAt' | 'application' | 'environment'>;
  /** The original's host results (its last run's), with each host's address. */
  hosts: { result: HostResult; host: Host }[];
  /** The rollback already linked to the original, if any, and its status. */
  rolledBackBy?: { id: string; status: DeploymentStatus } | undefined;
  /** Deployments of the same application/environment created after the original. */
  later: Pick<DeploymentRecord, 'id' | 'status' | 'startedAt'>[];
  force: boolean;
}

/** A rollback that ended FAILED or CANCELLED leaves the original free for another one. */
const SETTLED_WITHOUT_ROLLBACK: readonly DeploymentStatus[] = ['FAILED', 'CANCELLED'];

/**
 * Why a rollback of `original` is refused, or the hosts it takes back (each
 * DONE host to the release it had before). Pure: the API gathers the facts.
 */
export function planRollback(f: RollbackFacts): RollbackTarget[] {
  const id = f.original.id;
  if (f.original.status !== 'SUCCEEDED') {
    throw new VesemirError(ErrorType.RollbackNotPossible, `deployment ${id} is ${f.original.status}: only a SUCCEEDED deploy can be rolled back`, {
      details: { reason: 'not-succeeded' },
    });
  }
  if (f.rolledBackBy && !SETTLED_WITHOUT_ROLLBACK.includes(f.rolledBackBy.status)) {
    throw new VesemirError(ErrorType.AlreadyRolledBack, `deployment ${id} is already rolled back by ${f.rolledBackBy.id} (${f.rolledBackBy.status})`, {
      details: { reason: 'already-rolled-back', rolledBackBy: f.rolledBackBy.id },
    });
  }
  // A deploy that ended before its turn (cancelled while queued) touched nothing.
  const ran = f.later.filter((d) => d.id !== f.rolledBackBy?.id && (d.startedAt !== undefined || !['FAILED', 'CANCELLED'].includes(d.status)));
  if (ran.length > 0 && !f.force) {
    const names = ran.map((d) => `${d.id} (${d.status})`).join(', ');
    throw new VesemirError(
      ErrorType.LaterDeployRan,
      `a later deploy of ${f.original.application}/${f.original.environment} has run since ${id}: ${names}; send "force": true to roll back anyway`,
      { details: { reason: 'later-deploy', later: ran.map((d) => d.id) } },
    );
  }
  const done = f.hosts.filter((h) => h.result.status === 'DONE');
  if (done.length === 0) {
    throw new VesemirError(ErrorType.RollbackNotPossible, `deployment ${id} has no DONE host to roll back`, { details: { reason: 'no-done-host' } });
  }
  const unknown = done.filter((h) => !h.result.previousVersion).map((h) => h.host.name);
  if (unknown.length > 0) {
    throw new VesemirError(
      ErrorType.RollbackNotPossible,
      `no previous release is known for ${unknown.join(', ')} (the first deploy to that host): nothing to roll back to`,
      { details: { reason: 'previous-unknown', hosts: unknown } },
    );
  }
  return done.map((h) => ({ host: h.host, version: h.result.previousVersion! }));
}

/**
 * The rollback's request: the original's (health check, HAProxy weight and
 * bake, concurrency, budget) with the release it returns to; no canary gate
 * (a rollback is wanted now), queued behind a running deploy.
 */
export function rollbackRequest(original: DeployRequest, targets: RollbackTarget[], artifact?: DeployRequest['artifact']): DeployRequest {
  const { canary: _canary, ...rest } = original;
  return { ...rest, version: targets[0]!.version, artifact: artifact ?? original.artifact, queue: true };
}

/** Prints `current=<link target>` and `release=present|absent` (parseInspection reads it); changes nothing. */
const INSPECT_KEPT_SCRIPT = [
  'set -eu',
  'current=$(readlink "$1") || current=',
  'if [ -d "$2" ]; then release=present; else release=absent; fi',
  'printf "current=%s\\nrelease=%s\\n" "$current" "$release"',
].join('; ');

/** Is `version` still kept in releases/ (keepReleases prunes older ones), and what is current? */
export function inspectKeptReleaseCommand(installDir: string, version: string): string[] {
  return ['sh', '-c', INSPECT_KEPT_SCRIPT, 'vesemir-rollback-inspect', currentLink(installDir), releaseDir({ installDir, version })];
}
