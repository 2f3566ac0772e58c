import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { freePort } from '../fleet/net.ts';
import { lbStates } from '../support/fleet-probes.ts';
import { expectRecordsKept, type StepRecord } from '../support/step-records.ts';
import { type ServiceProcess, startProduct } from '../support/worker-process.ts';

// Durability of the whole product on its embedded defaults, as `npm start`
// runs it: the API, the worker, the embedded Temporal dev server (its SQLite
// file) and PGlite, all under one VESEMIR_DATA_DIR. It is SIGKILLed right
// after a host's drain and started again on the same folder and ports.

let fleet: Fleet;
let product: ServiceProcess | undefined;
let env: Record<string, string>;
let apiUrl: string;
beforeAll(async () => {
  fleet = await startFleet({ vms: 4 });
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [apiPort, temporalPort, uiPort] = [...ports].map(String);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  env = {
    ...fleet.env,
    VESEMIR_DATA_DIR: join(fleet.dir, 'product-data'),
    API_PORT: apiPort!,
    TEMPORAL_PORT: temporalPort!,
    TEMPORAL_UI_PORT: uiPort!,
    // The embedded defaults, whatever this process's environment says (empty = unset).
    VESEMIR_ROLE: '',
    TEMPORAL_ADDRESS: '',
    DATABASE_URL: '',
    VESEMIR_TOKENS_FILE: '',
  };
}, 120_000);
afterAll(async () => {
  await product?.stop();
  await fleet?.stop();
});

async function call(method: 'GET' | 'POST', path: string, body?: object) {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return JSON.parse(text);
}

const logsOf = async (id: string, host: string): Promise<StepRecord[]> => (await call('GET', `/v1/deployments/${id}/logs?host=${host}`)).steps;
const workerOf = (p: ServiceProcess) => `${p.child.pid}@${hostname()}`;

describe('the whole product SIGKILLed right after a host is drained', () => {
  it("finishes the deploy after a restart on the same data folder, every VM on v2 and none drained, the host's logs keeping the killed run's attempts", async () => {
    product = await startProduct(env);
    const firstWorker = workerOf(product);
    const artifact = await fleet.release('v2');
    const { id } = await call('POST', '/v1/deployments', fleet.deployRequest('v2', artifact, { concurrency: 2 }));
    const postedAt = Date.now();

    let drained: string | undefined;
    await expect
      .poll(
        async () => {
          const d = await call('GET', `/v1/deployments/${id}`);
          drained = d.hosts.find((h: { steps: { name: string; status: string }[] }) =>
            h.steps.some((s) => s.name === 'drain' && s.status === 'SUCCEEDED'),
          )?.name;
          return drained !== undefined;
        },
        { timeout: 60_000, interval: 20 },
      )
      .toBe(true);
    // The API dies with the rest: what it answers now is what the database had committed.
    const beforeKill = await logsOf(id, drained!);
    const killed = await product.kill();
    const killedAt = Date.now();
    expect(killed.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['node', 'temporal']));
    expect(killed.survivors, 'processes of the killed run still alive').toEqual([]);
    expect(beforeKill.map((s) => s.step)).toEqual(expect.arrayContaining(['inspect', 'stage', 'drain']));
    expect(new Set(beforeKill.map((s) => s.worker))).toEqual(new Set([firstWorker]));
    expect((await lbStates(fleet)).flat().some((s) => s.admin !== 'ready')).toBe(true);

    product = await startProduct(env);
    const secondWorker = workerOf(product);
    expect(secondWorker).not.toBe(firstWorker);
    let done: { status: string; hosts: { name: string; status: string; error: string }[] } | undefined;
    await expect
      .poll(
        async () => {
          done = await call('GET', `/v1/deployments/${id}`);
          return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(done!.status);
        },
        { timeout: 180_000, interval: 200 },
      )
      .toBe(true);
    expect(done!.status, JSON.stringify(done!.hosts.map((h) => [h.name, h.status, h.error]))).toBe('SUCCEEDED');
    for (const vm of fleet.vms) {
      expect((await fleet.exec(vm.name, ['readlink', '/opt/shop/current'])).stdout.trim()).toBe('releases/v2');
    }
    for (const states of await lbStates(fleet)) {
      expect(states.map((s) => [s.admin, s.weight])).toEqual(fleet.vms.map(() => ['ready', 100]));
    }

    // Step records are append-only and PGlite kept its committed rows across the
    // SIGKILL: every record finished before the kill is there as it was, beside
    // the restarted process's.
    const afterRestart = await logsOf(id, drained!);
    expectRecordsKept(beforeKill, afterRestart);
    const later = afterRestart.filter((s) => Date.parse(s.startedAt) > killedAt);
    expect(later.map((s) => s.step)).toContain('enable');
    expect(new Set(later.map((s) => s.worker))).toEqual(new Set([secondWorker]));

    console.info(
      `product SIGKILLed ${killedAt - postedAt} ms after the POST, ${drained} drained (${killed.processes.map((p) => p.name).join(', ')}: none left); ` +
        `${drained}'s step records: ${beforeKill.length} before the kill, ${afterRestart.length} after the restart (${later.length} by the new process)`,
    );
  }, 300_000);
});
