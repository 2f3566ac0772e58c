import { inspectKeptReleaseCommand } from '../domain/deploy-rollback.ts';
import type { KeptReleases, KeptReleasesInput } from '../domain/deploy-types.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { parseInspection, versionFromLink } from '../domain/release-commands.ts';
import type { ActivityDeps } from './deps.ts';
import { mapFailures } from './failures.ts';
import { untilCancelled, whileHeartbeating } from './heartbeat.ts';
import { application } from './host-activities.ts';

/**
 * A rollback's start check: on every host, over SSH, is the release it goes
 * back to still in releases/ (keepReleases prunes older ones), and which one
 * is current. Changes nothing on the hosts; records the rollback's host
 * snapshot (when given the rollback's id). A release no longer kept fails the rollback before any drain.
 */
export function checkKeptReleases(deps: ActivityDeps, input: KeptReleasesInput): Promise<KeptReleases> {
  return mapFailures(() =>
    whileHeartbeating(async () => {
      const app = application(deps, input.application);
      const inspected = await untilCancelled(
        Promise.all(
          input.targets.map(async ({ host, version }) => {
            const session = await deps.remote.connect(host);
            try {
              const answer = await session.exec(inspectKeptReleaseCommand(app.installDir, version), { timeoutMs: 30_000 });
              if (answer.exitCode !== 0) {
                throw new VesemirError(
                  ErrorType.RemoteCommandFailed,
                  `${host.name}: could not read its releases (exit ${answer.exitCode}): ${answer.stderr.slice(-200)}`,
                );
              }
              const { currentTarget, releaseExists } = parseInspection(answer.stdout);
              return { host, version, releaseExists, current: currentTarget === undefined ? undefined : versionFromLink(currentTarget) };
            } finally {
              await session.close();
            }
          }),
        ),
      );
      const gone = inspected.filter((h) => !h.releaseExists);
      if (gone.length > 0) {
        const list = gone.map((h) => `${h.host.name} (${h.version})`).join(', ');
        throw new VesemirError(
          ErrorType.RollbackNotPossible,
          `the previous release is no longer kept on ${list}: keepReleases pruned it; deploy that version again instead`,
          { details: { reason: 'release-not-kept', hosts: gone.map((h) => h.host.name) } },
        );
      }
      if (input.rollbackId) {
        await deps.store.setHosts(
          input.rollbackId,
          `rollback of ${input.deploymentId}`,
          input.loadBalancers.map((lb) => lb.name),
          input.targets.map((t) => ({ ...t.host, status: 'PENDING' as const })),
        );
      }
      return {
        hosts: input.targets.map((t) => t.host),
        loadBalancers: input.loadBalancers,
        backend: input.backend,
        current: Object.fromEntries(inspected.map((h) => [h.host.name, h.current])),
      };
    }),
  );
}
