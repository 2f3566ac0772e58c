import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { breakHealth, healHealth } from '../support/fleet-probes.ts';
import { startVesemir, type Vesemir } from '../support/vesemir.ts';
import { runInTmux, runPiped } from './support/terminal.ts';

// The real `vesemir` bin against the real stack (API on a port, Temporal,
// goiardi, HAProxy, three fake VMs over SSH), in a real terminal under tmux.

let fleet: Fleet;
let v: Vesemir;
let env: Record<string, string>;
beforeAll(async () => {
  fleet = await startFleet({ vms: 3 });
  v = await startVesemir(fleet);
  await v.startWorker();
  await v.api.listen({ port: 0, host: '127.0.0.1' });
  env = { VESEMIR_API_URL: `http://127.0.0.1:${(v.api.server.address() as AddressInfo).port}` };
}, 120_000);
afterAll(async () => {
  await v?.close();
  await fleet?.stop();
});

const rowOf = (screen: string, host: string) => screen.split('\n').filter((l) => l.trimStart().startsWith(`${host} `));

describe('vesemir deploy --follow', () => {
  it('shows a row per host updating in place on a terminal, and exits 0 when the deploy succeeds', async () => {
    const body = fleet.deployRequest('v2', await fleet.release('v2'), {
      concurrency: 1,
    });
    const file = join(fleet.dir, 'v2.json');
    writeFileSync(file, JSON.stringify(body));

    // vm1 answers its health check with 500 until the terminal has shown it
    // waiting there: a host can take well under one 500 ms poll, so without
    // this hold a poll could miss every running step of it.
    const hosts = fleet.vms.map((vm) => vm.name);
    const held = hosts[0]!;
    await breakHealth(fleet, held, 'v2');
    const atHealth = /RUNNING +■{5}([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏])·+ +\S+ +health \d/;
    const spinnerFrames = new Set<string>();
    let releasedAt: string | undefined;
    const onScreen = async (screen: string) => {
      const frame = atHealth.exec(rowOf(screen, held)[0] ?? '')?.[1];
      if (releasedAt || !frame) return;
      spinnerFrames.add(frame);
      if (spinnerFrames.size < 2) return;
      releasedAt = screen;
      await healHealth(fleet, held, 'v2');
    };

    const { screens, exitCode } = await runInTmux(['deploy', '--file', file, '--follow'], { dir: fleet.dir, env, onScreen });
    const last = screens.at(-1)!;
    expect(releasedAt, 'the terminal never showed vm1 waiting at its health step with a turning spinner').toBeDefined();
    expect(exitCode, last).toBe(0);
    expect(last).toMatch(/shop v2 → production {2}SUCCEEDED .* 3\/3 hosts done/);
    expect(last).toContain('✓ deployment SUCCEEDED');
    // Redrawn in place: never two rows for one host on screen, however many frames were drawn.
    for (const screen of screens) for (const h of hosts) expect(rowOf(screen, h).length, screen).toBeLessThanOrEqual(1);
    const midway = screens.filter((s) => /production {2}RUNNING/.test(s) && hosts.every((h) => rowOf(s, h).length === 1));
    expect(midway.length, screens.join('\n----\n')).toBeGreaterThan(2);
    // The rows changed while the deploy ran: a running step with its spinner and time, then done.
    const vm1Rows = new Set(screens.flatMap((s) => rowOf(s, held)));
    expect(vm1Rows.size).toBeGreaterThan(3);
    // …and while it waited at health the spinner turned (two frames of it seen before the hold ended).
    expect(spinnerFrames.size).toBe(2);
    for (const h of hosts) expect(rowOf(last, h)[0]).toMatch(/DONE +■{8} +\d/);
  });

  it('exits 1 and prints the failing host, its step and its error when a host fails', async () => {
    const vm2 = fleet.vms[1]!;
    await breakHealth(fleet, vm2.name, 'v3');
    const artifact = await fleet.release('v3');
    const flags = [
      '--application',
      'shop',
      '--environment',
      'production',
      '--team',
      'payments',
      '--version',
      'v3',
      '--artifact-url',
      artifact.url,
      '--artifact-sha256',
      artifact.sha256,
      '--chef-tag',
      fleet.app.vmTag,
      '--backend',
      fleet.app.backend,
      '--lb-tag',
      fleet.app.lbTag,
      '--concurrency',
      '1',
      '--health-port',
      String(fleet.app.port),
      '--health-timeout',
      '2',
    ];
    const res = await runPiped(['deploy', ...flags, '--follow'], env);
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.stdout).not.toContain('\x1b[');
    expect(res.stdout).toMatch(new RegExp(`${vm2.name} {2}health FAILED .*not healthy after 2s`));
    expect(res.stdout).toMatch(new RegExp(`${vm2.name} ROLLED_BACK: step health failed \\(attempt \\d\\): not healthy after 2s at http.*: HTTP 500`));
    expect(res.stdout).toMatch(/✗ deployment FAILED/);

    const id = /^deployment (d-[a-f0-9-]+)$/m.exec(res.stdout)?.[1];
    expect(id).toBeDefined();
    const status = await runPiped(['status', id!], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${vm2.name} +ROLLED_BACK +■■■■■✗`));
    const logs = await runPiped(['logs', id!, '--host', vm2.name, '--step', 'health'], env);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(new RegExp(`^── ${vm2.name} · health · attempt 1 · FAILED`));
    expect(logs.stdout).toContain('HTTP 500');
    const list = await runPiped(['list', '--application', 'shop', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).deployments.map((d: { version: string; status: string }) => [d.version, d.status])).toEqual([
      ['v3', 'FAILED'],
      ['v2', 'SUCCEEDED'],
    ]);
  });

  it('--dry-run resolves the hosts through Chef and deploys nothing', async () => {
    const file = join(fleet.dir, 'dry.json');
    writeFileSync(file, JSON.stringify(fleet.deployRequest('v9', { url: 'http://127.0.0.1:9/none.tgz', sha256: 'a'.repeat(64) }, { concurrency: 2 })));
    const res = await runPiped(['deploy', '--file', file, '--dry-run'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('dry run: shop v9 → production (nothing was deployed)');
    for (const vm of fleet.vms) expect(res.stdout).toContain(`    ${vm.name}  ${vm.address}`);
    expect(res.stdout).toContain(`load balancers ${fleet.lbBoxes[0]!.name}`);
    const list = await runPiped(['list', '--application', 'shop', '--json'], env);
    expect(JSON.parse(list.stdout).deployments.map((d: { version: string }) => d.version)).not.toContain('v9');
  });
});
