import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { Application } from '../domain/applications.ts';
import type { HostStepInput } from '../domain/deploy-types.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import type { Host, RemoteSession } from '../domain/ports.ts';
import * as release from '../domain/release-commands.ts';
import { type ActivityDeps, DEFAULT_HEALTH_POLL, healthPollDelay } from './deps.ts';
import { heartbeat, whileHeartbeating } from './heartbeat.ts';
import { recordedStep, type StepLog } from './step-log.ts';

export interface StageInput extends HostStepInput {
  artifact: { url: string; sha256: string };
}
export interface HealthInput extends HostStepInput {
  healthCheck: { port: number; path: string; timeoutSeconds: number };
}

export function application(deps: ActivityDeps, name: string): Application {
  const app = deps.applications.get(name);
  if (!app) throw new VesemirError(ErrorType.UnknownApplication, `application '${name}' is not configured on this server`);
  return app;
}

/** One exec checks the checksum and unpacks: 60 s for each half. */
const VERIFY_AND_UNPACK_TIMEOUT_MS = 120_000;

/**
 * Runs the remote verify + unpack; the script's checksum-mismatch exit becomes
 * ArtifactChecksumMismatch, any other failure stays RemoteCommandFailed.
 */
async function verifyAndUnpack(log: StepLog, session: RemoteSession, input: StageInput, layout: release.ReleaseLayout) {
  const expected = input.artifact.sha256;
  try {
    await log.run(session, release.verifyAndUnpackCommand(layout, expected), VERIFY_AND_UNPACK_TIMEOUT_MS);
  } catch (err) {
    const mismatch = err instanceof VesemirError && err.type === ErrorType.RemoteCommandFailed && err.details.exitCode === release.CHECKSUM_MISMATCH_EXIT;
    if (!mismatch) throw err;
    const actual = release.parseActualChecksum(String(err.details.stderrTail ?? ''));
    throw new VesemirError(ErrorType.ArtifactChecksumMismatch, `${input.host.name}: uploaded artifact has sha256 ${actual ?? '(none)'}, expected ${expected}`);
  }
}

/** Staging touches only the staging folder and a health wait touches nothing: both may stop mid-way. */
const STOPS_ON_CANCEL = { stopsOnCancel: true };

export function createHostActivities(deps: ActivityDeps) {
  /** Connects for the length of one step; every step reuses one connection for its commands. */
  async function onHost<T>(host: Host, fn: (session: Awaited<ReturnType<ActivityDeps['remote']['connect']>>) => Promise<T>) {
    const session = await deps.remote.connect(host);
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  }

  /** Like onHost, for a step that stops on cancel: the cancel closes the connection, which ends the transfer under way. */
  async function onHostUntilCancelled<T>(host: Host, fn: (session: RemoteSession) => Promise<T>) {
    const { cancellationSignal: signal } = Context.current();
    return onHost(host, (session) => {
      if (signal.aborted) throw new CancelledFailure('cancelled before the connection was used');
      const close = () => void session.close().catch(() => undefined);
      signal.addEventListener('abort', close, { once: true });
      return fn(session).finally(() => signal.removeEventListener('abort', close));
    });
  }

  return {
    /**
     * Uploads and unpacks the release beside the running one, before any
     * drain: the host keeps serving while the bytes move. Returns the version
     * `current` pointed at, the one a rollback goes back to.
     */
    async stageRelease(input: StageInput): Promise<{ previousVersion: string | undefined }> {
      return recordedStep(
        deps,
        input,
        'stage',
        async (log) => {
          const app = application(deps, input.application);
          const layout = { installDir: app.installDir, version: input.version };
          const bytes = await deps.artifacts.get(input.artifact.url, input.artifact.sha256);
          return onHostUntilCancelled(input.host, async (session) => {
            const inspected = release.parseInspection((await log.run(session, release.inspectAndPrepareCommand(layout))).stdout);
            const currentVersion = inspected.currentTarget === undefined ? undefined : release.versionFromLink(inspected.currentTarget);
            if (inspected.releaseExists && currentVersion === input.version) {
              log.note(`release ${input.version} is already current`);
            } else {
              await session.upload(bytes, release.incomingArchive(layout), 0o600);
              await verifyAndUnpack(log, session, input, layout);
            }
            const previousVersion = currentVersion === input.version ? undefined : currentVersion;
            log.note(`previous release: ${previousVersion ?? '(none)'}`);
            return { previousVersion };
          });
        },
        STOPS_ON_CANCEL,
      );
    },

    /** Points `current` at `version`; also the first step of a rollback. */
    async activateRelease(input: HostStepInput & { rollback?: boolean }): Promise<void> {
      return recordedStep(deps, input, input.rollback ? 'rollback-activate' : 'activate', async (log) => {
        const app = application(deps, input.application);
        await onHost(input.host, async (session) => {
          await log.run(session, release.activateCommand({ installDir: app.installDir, version: input.version }));
        });
      });
    },

    async restartService(input: HostStepInput & { rollback?: boolean }): Promise<void> {
      return recordedStep(deps, input, input.rollback ? 'rollback-restart' : 'restart', async (log) => {
        const app = application(deps, input.application);
        await onHost(input.host, (session) => log.run(session, app.restartCommand, 120_000));
      });
    },

    /** Polls the host's health URL until it answers 2xx or the timeout passes. */
    async waitHealthy(input: HealthInput & { rollback?: boolean }): Promise<void> {
      return recordedStep(
        deps,
        input,
        input.rollback ? 'rollback-health' : 'health',
        async (log) => {
          const { port, path, timeoutSeconds } = input.healthCheck;
          const url = `http://${input.host.address}:${port}${path}`;
          const deadline = Date.now() + timeoutSeconds * 1000;
          let last = 'no answer yet';
          const ctx = Context.current();
          for (let probe = 1; !ctx.cancellationSignal.aborted; probe++) {
            heartbeat({ probe });
            try {
              const answer = await deps.health.get(url, 2000);
              last = `HTTP ${answer.status} ${answer.body.slice(0, 200)}`;
              if (answer.status >= 200 && answer.status < 300) {
                log.note(`GET ${url} → ${last} (probe ${probe})`);
                return;
              }
            } catch (err) {
              last = (err as Error).message;
            }
            if (Date.now() >= deadline) {
              log.note(`GET ${url} → ${last}`);
              throw new VesemirError(ErrorType.HealthCheckFailed, `${input.host.name}: not healthy after ${timeoutSeconds}s at ${url}: ${last}`);
            }
            await ctx.sleep(healthPollDelay(probe, deps.healthPoll ?? DEFAULT_HEALTH_POLL));
          }
        },
        STOPS_ON_CANCEL,
      );
    },

    /** Deletes old releases, keeping the current and the previous one. Best effort. */
    async pruneReleases(input: HostStepInput & { previousVersion?: string | undefined }): Promise<string[]> {
      const app = application(deps, input.application);
      return whileHeartbeating(() =>
        onHost(input.host, async (session) => {
          const listed = await session.exec(release.listReleasesCommand(app.installDir));
          if (listed.exitCode !== 0) return [];
          const protect = [input.version, ...(input.previousVersion ? [input.previousVersion] : [])];
          const doomed = release.releasesToPrune(listed.stdout.split('\n'), app.keepReleases, protect);
          if (doomed.length > 0) await session.exec(release.removeReleasesCommand(app.installDir, doomed));
          return doomed;
        }),
      );
    },
  };
}
