import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';

/**
 * Vesemir's worker runs as a version of a Temporal Worker Deployment. Deploy,
 * host and VM-creation runs are PINNED: each finishes on the code it started
 * with, so a new version never replays a run it cannot. The long-lived lock
 * workflow is AUTO_UPGRADE. An upgrade starts the new version beside the old,
 * makes it current, and stops the old one once its runs have drained
 * (docs/operating.md, "Upgrading Vesemir").
 */
export interface WorkerVersion {
  deploymentName: string;
  buildId: string;
}

/** When a starting worker makes its version the current one. */
export type MakeCurrent = 'auto' | 'always' | 'never';

const root = new URL('../../', import.meta.url);

/** `<package version>+<git commit>`, or `<package version>+dev` outside a git checkout. */
export function defaultBuildId(): string {
  const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  let commit = 'dev';
  try {
    commit =
      execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || commit;
  } catch {
    // not a checkout (an image built without .git): VESEMIR_BUILD_ID should be set there
  }
  return `${version}+${commit}`;
}

/**
 * Waits until the server knows this version (it registers on the worker's
 * first poll), then makes it current: `always`, or `auto` when the deployment
 * has no current version yet (a first start). `never` leaves it to an operator
 * (`temporal worker deployment set-current-version`).
 */
export async function becomeCurrent(client: Client, version: WorkerVersion, policy: MakeCurrent, timeoutMs = 30_000): Promise<boolean> {
  if (policy === 'never') return false;
  const service = client.connection.workflowService;
  const namespace = client.options.namespace;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await service
      .describeWorkerDeployment({ namespace, deploymentName: version.deploymentName })
      .then((d) => d.workerDeploymentInfo)
      .catch(() => undefined);
    const known = info?.versionSummaries?.some((v) => v.deploymentVersion?.buildId === version.buildId);
    if (known) {
      const current = info?.routingConfig?.currentDeploymentVersion?.buildId;
      if (current === version.buildId || (policy === 'auto' && current)) return current === version.buildId;
      const set = await service
        .setWorkerDeploymentCurrentVersion({ namespace, deploymentName: version.deploymentName, buildId: version.buildId, identity: 'vesemir-worker' })
        .then(
          () => true,
          (err: Error) => {
            // The server refuses while this worker has polled only some of the
            // current version's task queues (workflow or activity); it polls the
            // rest within moments, so wait as for registration.
            if (/missing active task queues/i.test(err.message) && Date.now() <= deadline) return false;
            throw err;
          },
        );
      if (set) return true;
    }
    if (Date.now() > deadline) throw new Error(`worker version ${version.deploymentName}/${version.buildId} did not register within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
