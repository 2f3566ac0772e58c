import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type ApiInstance, faultConfig, type InProcessWorker, startApi, startWorkerIn } from './api-and-worker.ts';
import { getLogs, type LogEntry, postDeploy, sleep, waitTerminal } from './deployment-api.ts';
import { freezeBox } from './disruptions.ts';
import { expectAllOn, stepOrderViolations } from './outcome-checks.ts';

// The LB box stops answering for part of a deploy. Its sshd and
// every session are frozen (SIGSTOP, no iptables here): connections are
// accepted by the kernel but no SSH banner comes, as with a hung box. The
// box stays frozen until every host's first inspect attempt has outlasted the
// SSH adapter's 10 s connect timeout, so those attempts really fail; the
// retries (quickRpc: 6 attempts, 0.5 s → 1 s → … apart) land once it is back.

const CONNECT_TIMEOUT_MS = 10_000;

let fleet: Fleet;
let api: ApiInstance;
let worker: InProcessWorker;
let thaw: (() => void) | undefined;
beforeAll(async () => {
  fleet = await startFleet({ vms: 2 });
  const config = faultConfig(fleet, inject('temporalAddress'));
  api = await startApi(config);
  worker = await startWorkerIn(config, api.ctx);
}, 120_000);
afterAll(async () => {
  thaw?.(); // a frozen box cannot be stopped
  await worker?.close();
  await api?.close();
  await fleet?.stop();
});

describe('an LB box unreachable for part of the deploy', () => {
  it('retries the HAProxy inspect until the box is back, then finishes with every host READY', async () => {
    const hosts = fleet.vms.map((vm) => vm.name);
    thaw = freezeBox(fleet.lbBoxes[0]!.rootDir);
    const frozenAt = Date.now();
    // The inspect (the HAProxy state as found) is each host's first step, and it needs the LB box.
    const id = await postDeploy(api.api, fleet, 'v2', { concurrency: 2 });
    const inspectsOf = async (): Promise<LogEntry[]> => (await getLogs(api.api, id)).filter((l) => l.step === 'inspect');
    await expect.poll(async () => (await inspectsOf()).length, { timeout: 30_000, interval: 50 }).toBe(hosts.length);
    const firstInspects = await inspectsOf();
    const lastStart = Math.max(...firstInspects.map((l) => Date.parse(l.startedAt)));
    await sleep(lastStart + CONNECT_TIMEOUT_MS + 1000 - Date.now());
    thaw();
    const outageMs = Date.now() - frozenAt;
    const done = await waitTerminal(() => api.api, id, 90_000);
    console.log(`LB box frozen ${outageMs} ms: deploy ${done.status} ${Date.now() - frozenAt} ms after the freeze`);
    expect(done.status, JSON.stringify(done.hosts.map((h) => [h.name, h.status, h.error]))).toBe('SUCCEEDED');
    await expectAllOn(fleet, 'v2');

    const logs = await getLogs(api.api, id);
    expect(stepOrderViolations(logs, hosts)).toEqual([]);
    for (const host of hosts) {
      const inspects = logs.filter((l) => l.host === host && l.step === 'inspect');
      // At least one attempt failed while the box was frozen; the last one succeeded.
      expect(
        inspects.some((l) => l.status === 'FAILED'),
        JSON.stringify(inspects),
      ).toBe(true);
      expect(inspects.at(-1)!.status).toBe('SUCCEEDED');
      expect(inspects.find((l) => l.status === 'FAILED')!.error).toMatch(/timed out|timeout/i);
    }
  });
});
