import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { freePort } from '../fleet/net.ts';
import { type ApiInstance, faultConfig, type InProcessWorker, startApi, startWorkerIn } from './api-and-worker.ts';
import { getDeployment, getLogs, postDeploy, sleep, waitForStep, waitTerminal } from './deployment-api.ts';
import { expectAllOn, stepOrderViolations } from './outcome-checks.ts';

// The Temporal server itself goes away mid-deploy. This file runs
// its own dev server (the run's shared one must stay up for the others) on a
// fixed port with a persistent SQLite file, stops it while hosts are in
// flight and starts it again on the same port and file.

let dir: string;
let port: number;
let server: DevServer | undefined;
let fleet: Fleet;
let api: ApiInstance;
let worker: InProcessWorker;
const serve = () => startDevServer({ cliPath: temporalCliPath(), port, dbFile: join(dir, 'temporal.db') });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vesemir-faults-temporal-'));
  port = await freePort();
  [server, fleet] = await Promise.all([serve(), startFleet({ vms: 4 })]);
  const config = faultConfig(fleet, server.address);
  api = await startApi(config);
  worker = await startWorkerIn(config, api.ctx);
}, 120_000);
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await server?.stop();
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the Temporal server restarted mid-deploy', () => {
  it('resumes the deploy once the server is back on the same port and file, and it succeeds', async () => {
    // A bake keeps hosts in flight long enough to stop the server among them.
    const id = await postDeploy(api.api, fleet, 'v2', {
      concurrency: 2,
      haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 2 },
    });
    await waitForStep(api.api, id, 'enable');
    await server!.stop();
    const downAt = Date.now();
    // While the server is down the API still answers from the database.
    expect((await getDeployment(api.api, id)).status).toBe('RUNNING');
    await sleep(2000);
    server = await serve();
    console.log(`temporal down for ${Date.now() - downAt} ms`);

    const done = await waitTerminal(() => api.api, id, 90_000);
    console.log(`server back → SUCCEEDED in ${Date.now() - downAt} ms`);
    expect(done.status, JSON.stringify(done.hosts.map((h) => [h.name, h.status, h.error]))).toBe('SUCCEEDED');
    await expectAllOn(fleet, 'v2');
    expect(
      stepOrderViolations(
        await getLogs(api.api, id),
        fleet.vms.map((vm) => vm.name),
      ),
    ).toEqual([]);
  });
});
