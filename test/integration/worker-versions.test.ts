import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../src/activities/index.ts';
import { activityDepsFromConfig } from '../../src/app/adapters.ts';
import { createWorker } from '../../src/app/worker.ts';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import { lockWorkflowId } from '../../src/workflows/definitions.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { bundleWithExtraHostStep } from '../support/changed-bundle.ts';
import { startVesemir, type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Upgrading Vesemir without breaking the deploys it runs: version A runs a
// deploy; version B, whose host workflow differs incompatibly, becomes
// current; the running deploy finishes on A, a new one runs on B, A drains
// and is stopped. The same commands as docs/operating.md's "Upgrading Vesemir".

const deploymentName = `vesemir-upgrade-${process.pid}-${Date.now()}`;
const cli = (...args: string[]) =>
  promisify(execFile)(temporalCliPath(), [...args, '--address', inject('temporalAddress'), '--output', 'json']).then((r) => JSON.parse(r.stdout || '{}'));
const cleanups: (() => void)[] = [];

let fleet: Fleet;
let v: Vesemir;
beforeAll(async () => {
  fleet = await startFleet({ vms: 2 });
  v = await startVesemir(fleet, { VESEMIR_WORKER_DEPLOYMENT: deploymentName, VESEMIR_BUILD_ID: 'A', VESEMIR_MAKE_CURRENT: 'always' });
  await v.startWorker();
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
  for (const cleanup of cleanups) cleanup();
});

/** Version B: the same code, except that each host first prunes its releases (a new command A's histories lack). */
async function versionB() {
  const { bundle, cleanup } = await bundleWithExtraHostStep();
  cleanups.push(cleanup);
  const worker = await createWorker({
    connection: v.ctx.native,
    namespace: v.config.TEMPORAL_NAMESPACE,
    taskQueue: v.config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(activityDepsFromConfig(v.ctx)),
    workflowBundle: bundle,
    version: { deploymentName, buildId: 'B' },
  });
  return { worker, run: worker.run() };
}

const buildIdOf = async (id: string) =>
  (await v.ctx.client.workflow.getHandle(`deploy-${id}`).describe()).raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId;

describe('upgrading Vesemir with worker versioning', () => {
  it('finishes a running deploy on version A while new deploys run on version B; A drains and stops; nothing fails', async () => {
    const bake = { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 20 };
    const first = (
      await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', await fleet.release('v2'), { haproxy: bake }) })
    ).json();
    await expect.poll(() => buildIdOf(first.id), { timeout: 20_000 }).toBe('A');

    const b = await versionB();
    try {
      await expect
        .poll(async () => (await cli('worker', 'deployment', 'describe', '--name', deploymentName)).versionSummaries?.length ?? 0, { timeout: 20_000 })
        .toBe(2);
      // Refused until B has polled every task queue type A serves (workflow and activity): retried, as docs/operating.md says.
      await expect
        .poll(
          () =>
            cli('worker', 'deployment', 'set-current-version', '--deployment-name', deploymentName, '--build-id', 'B', '--yes').then(
              () => 'current',
              (err: Error) => err.message,
            ),
          { timeout: 20_000, interval: 500 },
        )
        .toBe('current');

      const second = (await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v3', await fleet.release('v3')) })).json();
      const doneFirst = await waitForDeployment(v.api, first.id);
      const doneSecond = await waitForDeployment(v.api, second.id);
      expect(doneFirst.status).toBe('SUCCEEDED');
      expect(doneSecond.status).toBe('SUCCEEDED');
      expect(await buildIdOf(first.id)).toBe('A');
      expect(await buildIdOf(second.id)).toBe('B');
      // B's hosts ran its extra first step; A's did not.
      const hostHistory = async (id: string) => JSON.stringify(await v.ctx.client.workflow.getHandle(`deploy-${id}/host/${fleet.vms[0]!.name}`).fetchHistory());
      expect((await hostHistory(second.id)).match(/pruneReleases/g)?.length).toBe(2);
      expect((await hostHistory(first.id)).match(/pruneReleases/g)?.length).toBe(1);

      await expect
        .poll(
          async () =>
            (await cli('worker', 'deployment', 'describe-version', '--deployment-name', deploymentName, '--build-id', 'A')).drainageInfo?.drainageStatus,
          {
            timeout: 40_000,
            interval: 1000,
          },
        )
        .toMatch(/drained/i);
      // The long-lived lock is not pinned: it moves to each new version.
      const lock = await v.ctx.client.workflow.getHandle(lockWorkflowId(v.config.TEMPORAL_TASK_QUEUE, fleet.app.name, fleet.app.environment)).describe();
      expect(lock.raw.workflowExecutionInfo?.versioningInfo?.behavior).toBe(temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);
      await v.stopWorker();
    } finally {
      b.worker.shutdown();
      await b.run;
    }
  }, 120_000);
});
