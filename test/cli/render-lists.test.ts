import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/cli/render/format.ts';
import { logLines, newlyFinished } from '../../src/cli/render/logs.ts';
import { deploymentTable } from '../../src/cli/render/summaries.ts';
import { vmDetail, vmTable } from '../../src/cli/render/vms.ts';
import { createStyle, truncate, visibleLength, wantsColor } from '../../src/cli/style.ts';
import { failedDeployment, logStep, vmJson } from './support/fixtures.ts';

const plain = createStyle(false);
const color = createStyle(true);

describe('lists, logs and VMs', () => {
  it('tabulates deployments with host counts', () => {
    const { hosts: _hosts, ...rest } = failedDeployment();
    const lines = deploymentTable([{ ...rest, hostCounts: { total: 3, DONE: 1, ROLLED_BACK: 1, SKIPPED: 1 } }], plain);
    expect(lines).toEqual([
      'ID                  APPLICATION  ENVIRONMENT  VERSION  STATUS  HOSTS              CREATED              DURATION',
      'd-0123456789abcdef  shop         production   v2       FAILED  1/3 1 rolled back  2024-06-01 12:00:00  3.6s',
    ]);
    expect(deploymentTable([], plain)).toEqual(['no deployments']);
  });

  it('prints a step attempt with its command, exit code, output and error', () => {
    const lines = logLines(
      logStep({
        host: 'shop-vm2',
        step: 'restart',
        round: 2,
        attempt: 2,
        status: 'FAILED',
        command: 'svc restart',
        exitCode: 1,
        stdout: 'stopping\nstarting\n',
        stderr: 'boom',
        error: 'restart: exit 1',
        errorType: 'RemoteCommandFailed',
        docs: 'docs/runbook.md#remotecommandfailed',
        startedAt: '2024-06-01T12:00:00.000Z',
        finishedAt: '2024-06-01T12:00:01.500Z',
      }),
      plain,
    );
    expect(lines).toEqual([
      '── shop-vm2 · restart · round 2 · attempt 2 · FAILED · exit 1 · 1.5s',
      '  $ svc restart',
      '  stopping',
      '  starting',
      '  boom',
      '  error: restart: exit 1 (RemoteCommandFailed)',
      '  docs: docs/runbook.md#remotecommandfailed',
    ]);
    const at = '2024-06-01T12:00:00.000Z';
    const s = logStep({ startedAt: at, finishedAt: at });
    expect(newlyFinished([s, { ...s, step: 'stage', status: 'RUNNING' }], new Set())).toEqual([s]);
    expect(newlyFinished([s], new Set([`a/drain/1/1/${at}`]))).toEqual([]);
    expect(newlyFinished([{ ...s, round: 2 }], new Set([`a/drain/1/1/${at}`]))).toHaveLength(1);
    // A re-run after a crash repeats the attempt number; its own start tells it apart.
    expect(newlyFinished([{ ...s, startedAt: '2024-06-01T12:00:09.000Z' }], new Set([`a/drain/1/1/${at}`]))).toHaveLength(1);
  });

  it('names the worker that ran a step execution', () => {
    const [header] = logLines(
      logStep({
        host: 'a',
        step: 'drain',
        attempt: 1,
        worker: '4242@box',
        status: 'SUCCEEDED',
        startedAt: '2024-06-01T12:00:00.000Z',
        finishedAt: '2024-06-01T12:00:00.200Z',
      }),
      plain,
    );
    expect(header).toBe('── a · drain · attempt 1 · SUCCEEDED · 200ms · 4242@box');
  });

  it('shows VMs as a table and one VM with its transitions', () => {
    const vm = vmJson({
      transitions: [
        { from: null, to: 'REQUESTED', at: '2024-06-01T12:00:00.000Z', reason: null },
        { from: 'REQUESTED', to: 'PROVISIONING', at: '2024-06-01T12:00:01.000Z', reason: 'job submitted' },
      ],
    });
    expect(vmTable([vm], plain)[1]).toBe('shop-prod-py-u22-001  shop         prod         python  ubuntu-22.04  n2-standard-2  READY   10.0.0.5');
    expect(vmDetail(vm, plain).slice(-2)).toEqual(['  2024-06-01 12:00:00  · → REQUESTED', '  2024-06-01 12:00:01  REQUESTED → PROVISIONING: job submitted']);
    const retrying = {
      ...vm,
      status: 'PROVISIONING' as const,
      jobName: 'proctor-abc',
      attempts: 4,
      lastError: 'provisioning job proctor-abc is JOB_EXECUTION_STATUS_FETCH_ERROR (poll 3)',
    };
    expect(vmDetail(retrying, plain).slice(5, 8)).toEqual([
      '  job          proctor-abc',
      '  attempts     4',
      '  last error   provisioning job proctor-abc is JOB_EXECUTION_STATUS_FETCH_ERROR (poll 3)',
    ]);
    const failed = {
      ...retrying,
      status: 'FAILED' as const,
      error: 'job proctor-abc: provisioning job proctor-abc FAILED; its log ends:\ncreating VM\nERROR: no capacity',
    };
    expect(vmDetail(failed, plain).slice(5, 9)).toEqual([
      '  job          proctor-abc',
      '  error        job proctor-abc: provisioning job proctor-abc FAILED; its log ends:',
      '               creating VM',
      '               ERROR: no capacity',
    ]);
  });
});

describe('terminal helpers', () => {
  it('cuts lines to a visible width without breaking escape sequences', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    const cut = truncate(color.red('abcdef'), 4);
    expect(visibleLength(cut)).toBe(4);
    expect(cut).toBe('\x1b[31mabc…\x1b[0m');
  });

  it('uses colors only on a terminal, without NO_COLOR, unless --no-color', () => {
    expect(wantsColor(true, {}, true)).toBe(true);
    expect(wantsColor(false, {}, true)).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '' }, true)).toBe(true);
    expect(wantsColor(true, {}, false)).toBe(false);
  });

  it('formats durations', () => {
    expect([850, 4200, 65_000, 7_380_000].map(formatDuration)).toEqual(['850ms', '4.2s', '1m05s', '2h03m']);
  });
});
