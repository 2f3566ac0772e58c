import { describe, expect, it } from 'vitest';
import { deploymentLines, failureLines, hostRows, plannedSteps, successLine } from '../../src/cli/render/deployment.ts';
import { progressEvents } from '../../src/cli/render/events.ts';
import { planLines } from '../../src/cli/render/plan.ts';
import { createStyle, stripAnsi } from '../../src/cli/style.ts';
import { failedDeployment, runningDeployment, step, T0 } from './support/fixtures.ts';

const plain = createStyle(false);
const color = createStyle(true);

describe('deployment view', () => {
  it('draws a header and a row per host: status, a mark per step, duration, current step', () => {
    expect(deploymentLines(runningDeployment(), { style: plain, now: T0 + 1500, tick: 3 })).toEqual([
      'shop v2 → production  RUNNING  1.5s  1/3 hosts done  d-0123456789abcdef',
      '  shop-vm1  DONE         ■■■■■■■    700ms  full ok 100ms',
      '  shop-vm2  RUNNING      ■■■⠸···    800ms  restart 500ms',
      '  shop-vm3  PENDING      ·······           waiting',
    ]);
  });

  it('names a rollback of a finished deploy under the header, with what its hosts go back from; and the deploy it rolled back', () => {
    const d = runningDeployment({ rollbackOf: 'd-aaaa', rollbackReason: 'v2 breaks checkout', version: 'v1' });
    const hosts = d.hosts.map((h) => ({ ...h, previousVersion: 'v2' }));
    expect(deploymentLines({ ...d, hosts }, { style: plain, now: T0 + 1500, tick: 3 }).slice(0, 2)).toEqual([
      'shop v1 → production  RUNNING  1.5s  1/3 hosts done  d-0123456789abcdef',
      '  rollback of d-aaaa, from v2: v2 breaks checkout',
    ]);
    const original = runningDeployment({ status: 'SUCCEEDED', rolledBackBy: 'd-bbbb' });
    expect(deploymentLines(original, { style: plain, now: T0 + 1500 })[1]).toBe('  rolled back by d-bbbb');
    // Neither: no line (the first test's view stays as it was).
    expect(deploymentLines(runningDeployment(), { style: plain, now: T0 })[1]).toMatch(/^ {2}shop-vm1 /);
  });

  it('shows the VMs a deploy creates first: their progress while PROVISIONING, then a line of what came up', () => {
    const provisioning = {
      requestId: 'vr-0123456789abcdef',
      stack: 'python',
      osVersion: 'ubuntu-22.04',
      total: 3,
      ready: 2,
      failed: 0,
      vms: [
        { name: 'shop-production-python-ubuntu-2204-001', status: 'READY', error: null },
        { name: 'shop-production-python-ubuntu-2204-002', status: 'READY', error: null },
        { name: 'shop-production-python-ubuntu-2204-003', status: 'PROVISIONING', error: null },
      ],
      link: 'http://vesemir.test/v1/vm-requests/vr-0123456789abcdef',
    };
    const creating = { ...runningDeployment(), status: 'PROVISIONING' as const, hosts: [], provisioning };
    expect(deploymentLines(creating, { style: plain, now: T0 + 1500 })).toEqual([
      'shop v2 → production  PROVISIONING  1.5s  creating 3 VMs (python, ubuntu-22.04): 2/3 READY  d-0123456789abcdef',
      '  VMs created first (python, ubuntu-22.04): 2/3 READY  vr-0123456789abcdef',
    ]);
    const failedVm = { ...provisioning.vms[2]!, status: 'FAILED', error: 'quota exceeded' };
    const partial = { ...runningDeployment(), provisioning: { ...provisioning, failed: 1, vms: [...provisioning.vms.slice(0, 2), failedVm] } };
    expect(deploymentLines(partial, { style: plain, now: T0 + 1500 })[1]).toBe(
      '  VMs created first (python, ubuntu-22.04): 2/3 READY, shop-production-python-ubuntu-2204-003 FAILED  vr-0123456789abcdef',
    );
  });

  it('shows in a dry run the VMs a deploy would create where Chef finds no host', () => {
    const plan = {
      dryRun: true as const,
      application: 'shop',
      environment: 'production',
      version: 'v2',
      chefQuery: 'tags:app\\-shop AND chef_environment:production',
      loadBalancerQuery: 'tags:lb\\-shop AND chef_environment:production',
      hosts: [],
      loadBalancers: [{ name: 'shop-lb1', address: '127.0.0.2' }],
      phases: [],
      maxFailedHosts: 0,
      autoRollback: false,
      weightPercent: 10,
      wouldCreate: { count: 3, stack: 'python', osVersion: 'ubuntu-22.04', message: 'would create 3 VMs (python, ubuntu-22.04), then deploy to them' },
    };
    expect(planLines(plan, plain).slice(0, 3)).toEqual([
      'dry run: shop v2 → production (nothing was deployed)',
      '  hosts          0  tags:app\\-shop AND chef_environment:production',
      '                 would create 3 VMs (python, ubuntu-22.04), then deploy to them',
    ]);
  });

  it('animates the running step between frames and counts its time up to now', () => {
    const [, , a] = deploymentLines(runningDeployment(), { style: plain, now: T0 + 1500, tick: 0 });
    const [, , b] = deploymentLines(runningDeployment(), { style: plain, now: T0 + 2600, tick: 1 });
    expect(a).toContain('■■■⠋···');
    expect(b).toContain('■■■⠙···');
    expect(b).toContain('restart 1.6s');
  });

  it('shows the failed step, the rollback marks aligned, and the error on a failed host', () => {
    expect(deploymentLines(failedDeployment(), { style: plain, now: T0 + 9999 })).toEqual([
      'shop v2 → production  FAILED  3.6s  1/3 hosts done, 1 rolled back  d-0123456789abcdef',
      '  shop-vm1  DONE         ■■■■■■■          700ms  full ok 100ms',
      '  shop-vm2  ROLLED_BACK  ■■■■✗·· ↺■■■■     2.8s  health failed: not healthy after 2s: HTTP 500',
      '  shop-vm3  SKIPPED      ·······                 skipped',
    ]);
  });

  it('adds the bake step only once a host bakes', () => {
    const d = runningDeployment();
    expect(plannedSteps(d)).not.toContain('bake');
    d.hosts[0]!.steps.push(step('bake', 'SUCCEEDED', 0, 50));
    expect(plannedSteps(d)).toContain('bake');
    expect(hostRows(d, { style: plain, now: T0 })[2]).toContain('········');
  });

  it('ends a failed deploy with the failing host, its step, its error and the output tail', () => {
    expect(failureLines(failedDeployment(), plain)).toEqual([
      '✗ deployment FAILED: shop-vm2 failed: health',
      '  shop-vm2 ROLLED_BACK: step health failed (attempt 1): not healthy after 2s: HTTP 500 (HealthCheckFailed)',
      '    │ GET /health -> HTTP 500',
      '    │ GET /health -> HTTP 500',
      '    │ broken release',
      '    docs: docs/runbook.md#healthcheckfailed',
    ]);
    const noHosts = { ...failedDeployment(), hosts: [], error: 'artifact sha256 mismatch' };
    expect(failureLines(noHosts, plain)).toEqual(['✗ deployment FAILED: artifact sha256 mismatch']);
  });

  it('says how a successful deploy went', () => {
    const d = { ...runningDeployment(), status: 'SUCCEEDED' as const, durationMs: 4200, hosts: runningDeployment().hosts.slice(0, 1) };
    expect(successLine(d, plain)).toBe('✓ deployment SUCCEEDED in 4.2s: 1/1 hosts done');
  });

  it('colors statuses only with a colored style, and the text stays the same', () => {
    const lines = deploymentLines(failedDeployment(), { style: color, now: T0 });
    expect(lines.join('\n')).toContain('\x1b[31mFAILED\x1b[39m');
    expect(lines.map(stripAnsi)).toEqual(deploymentLines(failedDeployment(), { style: plain, now: T0 }));
  });
});

describe('appended progress (not a terminal)', () => {
  it('prints only what changed between two polls, the end after the host lines it follows', () => {
    expect(progressEvents(runningDeployment(), failedDeployment(), plain)).toEqual([
      'shop-vm2  restart ok 100ms',
      'shop-vm2  health FAILED 2.0s: health: not healthy after 2s: HTTP 500',
      'shop-vm2  rollback-activate ok 100ms',
      'shop-vm2  rollback-restart ok 100ms',
      'shop-vm2  rollback-health ok 100ms',
      'shop-vm2  rollback-enable ok 100ms',
      'shop-vm2  ROLLED_BACK',
      'shop-vm3  SKIPPED',
      'deployment FAILED',
    ]);
    expect(progressEvents(failedDeployment(), failedDeployment(), plain)).toEqual([]);
  });

  it('starts with the status and the host list', () => {
    const lines = progressEvents(undefined, runningDeployment(), plain);
    expect(lines.slice(0, 3)).toEqual(['deployment RUNNING', 'hosts: shop-vm1, shop-vm2, shop-vm3', 'shop-vm1  stage ok 100ms']);
    expect(lines.at(-1)).toBe('shop-vm2  restart started');
  });
});
