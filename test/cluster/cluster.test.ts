import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployWorkflowId } from '../../src/workflows/definitions.ts';
import { faultRandom } from '../faults/disruptions.ts';
import { expectAllOn, stepOrderViolations } from '../faults/outcome-checks.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { makeTestCa } from '../support/test-ca.ts';
import { startTlsProxy } from '../support/tls-proxy.ts';
import { startTemporalCluster, type TemporalCluster } from './cluster.ts';
import { getDeployment, getLogs, postDeploy, waitForStep, waitTerminal } from './deployment-http.ts';
import { startVesemirProcess, type VesemirProcess } from './vesemir-processes.ts';

// Temporal's real server on Postgres with SQL visibility (test/cluster/cluster.ts),
// two Vesemir worker processes and one API process against it, and a fleet
// of 6 VMs. VESEMIR_FAULT_SEED replays the kill moment of a run.

const random = faultRandom();
console.log(`cluster tier: seed ${random.seed} (VESEMIR_FAULT_SEED=${random.seed} reproduces)`);

let cluster: TemporalCluster;
let fleet: Fleet;
let client: Client;
let api: VesemirProcess;
let workers: VesemirProcess[] = [];
let env: Record<string, string>;
const startWorker = () => startVesemirProcess('worker', { ...env, VESEMIR_DATA_DIR: `${fleet.dir}/worker-${workers.length}` });

beforeAll(async () => {
  [cluster, fleet] = await Promise.all([startTemporalCluster(), startFleet({ vms: 6 })]);
  env = {
    ...fleet.env,
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
    TEMPORAL_TASK_QUEUE: 'vesemir',
    DATABASE_URL: cluster.vesemirDatabaseUrl,
    VESEMIR_BUILD_ID: '0.0.0+cluster-tier',
  };
  // The first worker makes its version current; the second finds it so.
  workers.push(await startWorker());
  workers.push(await startWorker());
  api = await startVesemirProcess('api', { ...env, VESEMIR_DATA_DIR: `${fleet.dir}/api` });
  client = new Client({ connection: await Connection.connect({ address: cluster.address }), namespace: cluster.namespace });
}, 180_000);
afterAll(async () => {
  await api?.stop();
  for (const w of workers) await w.stop();
  await client?.connection.close();
  await cluster?.stop();
  await fleet?.stop();
});

const hosts = () => fleet.vms.map((vm) => vm.name);

async function expectClean(id: string, version: string, timeoutMs: number, context: string) {
  const done = await waitTerminal(api.url, id, timeoutMs);
  expect(done.status, `${context}: ${JSON.stringify(done.hosts.map((h) => [h.name, h.status, h.error]))}`).toBe('SUCCEEDED');
  expect(done.hosts.map((h) => h.status)).toEqual(hosts().map(() => 'DONE'));
  await expectAllOn(fleet, version);
  expect(stepOrderViolations(await getLogs(api.url, id), hosts()), context).toEqual([]);
}

/** The worker whose identity (`pid@host`) took the deploy workflow's latest workflow task: its sticky holder. */
async function holderOf(id: string): Promise<VesemirProcess> {
  const history = await client.workflow.getHandle(deployWorkflowId(id)).fetchHistory();
  const started = (history.events ?? []).filter((e) => e.workflowTaskStartedEventAttributes).at(-1);
  const identity = started?.workflowTaskStartedEventAttributes?.identity ?? '';
  const holder = workers.find((w) => identity.startsWith(`${w.child.pid}@`));
  if (!holder) throw new Error(`no worker process is ${identity} (pids ${workers.map((w) => w.child.pid).join(', ')})`);
  return holder;
}

/** `temporal workflow list --query …` on SQL visibility: the workflow ids it answers. */
async function listed(query: string): Promise<string[]> {
  const out = await cluster.cli(['workflow', 'list', '--query', query, '--output', 'json']);
  return out.trim() ? (JSON.parse(out) as { execution: { workflowId: string } }[]).map((w) => w.execution.workflowId) : [];
}

describe("the cluster's schema setup", () => {
  it('runs again on databases it set up, as on every start of the compose stack', async () => {
    expect(await cluster.setupSchemaAgain()).toContain('temporal and temporal_visibility are up to date');
  }, 60_000);
});

describe('Vesemir on a Temporal cluster (Postgres, SQL visibility, two workers)', () => {
  let cleanMs = 0;
  let cleanId = '';

  it('deploys 6 hosts at concurrency 2', async () => {
    const started = Date.now();
    cleanId = await postDeploy(api.url, fleet, 'v2', { concurrency: 2 });
    await expectClean(cleanId, 'v2', 60_000, 'clean run');
    cleanMs = Date.now() - started;
    console.log(`clean deploy on the cluster: ${cleanMs} ms`);
  }, 90_000);

  it("answers the docs' visibility queries (Application = … AND DeployStatus = …) from SQL visibility", async () => {
    expect(cleanId).not.toBe('');
    const app = `Application = "${fleet.app.name}" AND Environment = "${fleet.app.environment}"`;
    // Visibility is written after the fact: moments, not an ordering guarantee.
    await expect.poll(() => listed(`${app} AND DeployStatus = "SUCCEEDED"`), { timeout: 15_000, interval: 250 }).toContain(deployWorkflowId(cleanId));
    expect(await listed(`${app} AND DeployStatus = "FAILED"`)).not.toContain(deployWorkflowId(cleanId));
    expect(await listed(`Application = "no-such-app" AND DeployStatus = "SUCCEEDED"`)).toEqual([]);
  }, 30_000);

  it('finishes a deploy on the other worker within 15 s when the one holding it is SIGKILLed', async () => {
    expect(cleanMs).toBeGreaterThan(0);
    // A moment inside the deploy, drawn from the seed: once a host step of the first hosts has
    // succeeded (any of them, say the first batch's drain or health), then up to 300 ms more. A
    // bake of 1 s per host keeps the rest of the deploy in flight whatever the machine's speed.
    const steps = ['drain', 'activate', 'restart', 'health', 'enable'];
    const step = steps[Math.floor(random.next() * steps.length)]!;
    const extraMs = Math.round(300 * random.next());
    const context = `seed ${random.seed}, kill ${extraMs} ms after the first ${step} succeeded`;
    const id = await postDeploy(api.url, fleet, 'v3', {
      concurrency: 2,
      haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 1 },
    });
    await waitForStep(api.url, id, step);
    await new Promise((r) => setTimeout(r, extraMs));
    const holder = await holderOf(id);
    expect((await getDeployment(api.url, id)).status, context).toBe('RUNNING');
    const killedAt = Date.now();
    await holder.kill();
    const survivor = workers.find((w) => w !== holder)!;
    console.log(`${context}: killed worker pid ${holder.child.pid}; pid ${survivor.child.pid} goes on`);
    try {
      await expectClean(id, 'v3', 15_000, context);
    } catch (err) {
      console.log(`survivor output:\n${survivor.output().slice(-4000)}`);
      throw err;
    }
    const recoveredMs = Date.now() - killedAt;
    console.log(`${context}: SUCCEEDED ${recoveredMs} ms after the kill`);
    expect(recoveredMs).toBeLessThanOrEqual(15_000);
    const finisher = await holderOf(id);
    expect(finisher).toBe(survivor);
    // Two workers again for what follows.
    workers = [survivor, await startWorker()];
  }, 90_000);

  it('resumes a deploy when the history service restarts mid-deploy, and it succeeds', async () => {
    // A bake keeps hosts in flight long enough to restart history among them.
    const id = await postDeploy(api.url, fleet, 'v4', {
      concurrency: 2,
      haproxy: { backend: fleet.app.backend, chefTags: [fleet.app.lbTag], weight: 50, degradationSeconds: 2 },
    });
    await waitForStep(api.url, id, 'enable');
    const downAt = Date.now();
    await cluster.restartHistory(2000);
    console.log(`history down and back in ${Date.now() - downAt} ms`);
    await expectClean(id, 'v4', 90_000, 'history restarted');
    console.log(`history restart → SUCCEEDED ${Date.now() - downAt} ms after it went down`);
  }, 120_000);
});

describe('the cluster through TLS (mTLS, a CA the test made)', () => {
  it('an API process with TEMPORAL_TLS_* reaches the frontend through an mTLS front and serves a deploy the workers run', async () => {
    const ca = makeTestCa();
    const server = ca.server();
    const client = ca.client();
    const front = await startTlsProxy({ target: cluster.address, cert: ca.read(server.cert), key: ca.read(server.key), clientCa: ca.read(ca.ca.cert) });
    const tlsApi = await startVesemirProcess('api', {
      ...env,
      VESEMIR_DATA_DIR: `${fleet.dir}/api-tls`,
      TEMPORAL_ADDRESS: front.address,
      TEMPORAL_TLS_CA_PATH: ca.ca.cert,
      TEMPORAL_TLS_CERT_PATH: client.cert,
      TEMPORAL_TLS_KEY_PATH: client.key,
    });
    try {
      const id = await postDeploy(tlsApi.url, fleet, 'v5', { concurrency: 3 });
      await expectClean(id, 'v5', 60_000, 'through mTLS');
      expect(front.accepted.length).toBeGreaterThan(0);
      expect(front.accepted.every((a) => a.authorized && a.peer === 'vesemir-worker')).toBe(true);
    } finally {
      await tlsApi.stop();
      await front.close();
      ca.remove();
    }
  }, 120_000);
});
