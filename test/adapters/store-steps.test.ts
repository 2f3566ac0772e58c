import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_BYTES, OUTPUT_TAIL_BYTES } from '../../src/adapters/store/deployment-store.ts';
import type { StepRecord } from '../../src/domain/deployment.ts';
import { at, backends, bytes, hosts, newDeployment, step, useStore } from './store-fixtures.ts';

describe.each(backends)('SqlDeploymentStore on $name', (backend) => {
  const open = useStore(backend);

  it('upserts a step attempt by its key and keeps attempts apart', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    const first: StepRecord = { ...step(d, 'web-1', 'health'), status: 'RUNNING', finishedAt: undefined };
    await open.store.saveStep(first);
    await open.store.saveStep({ ...first, status: 'FAILED', finishedAt: at(3), exitCode: 7, error: 'HTTP 503' });
    await open.store.saveStep({ ...step(d, 'web-1', 'health', 2), command: 'curl -f http://10.0.0.1/health' });

    const steps = await open.store.listSteps(d.id);
    expect(steps).toEqual([
      { ...first, status: 'FAILED', finishedAt: at(3), exitCode: 7, error: 'HTTP 503', command: undefined, outputTail: '' },
      { ...step(d, 'web-1', 'health', 2), command: 'curl -f http://10.0.0.1/health', exitCode: undefined, error: undefined, outputTail: '' },
    ]);
    expect(steps[0]?.startedAt).toBeInstanceOf(Date);
  });

  it("keeps a failed step's error type in its listing and its logs", async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    const failed: StepRecord = { ...step(d, 'web-1', 'health'), status: 'FAILED', error: 'not healthy after 2s', errorType: 'HealthCheckFailed' };
    await open.store.saveStep(failed);
    await open.store.saveStep(step(d, 'web-2', 'health'));
    const listed = await open.store.listSteps(d.id);
    expect(listed.map((s) => [s.host, s.status, s.errorType])).toEqual([
      ['web-1', 'FAILED', 'HealthCheckFailed'],
      ['web-2', 'SUCCEEDED', undefined],
    ]);
    const [logged] = await open.store.getLogs(d.id, { host: 'web-1' });
    expect(logged).toMatchObject({ error: 'not healthy after 2s', errorType: 'HealthCheckFailed' });
  });

  it('keeps the attempts of a retried host apart by round', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.saveStep({ ...step(d, 'web-1', 'health', 1, 1), status: 'FAILED', error: 'HTTP 500' });
    await open.store.saveStep(step(d, 'web-1', 'health', 1, 2));
    const steps = await open.store.listSteps(d.id);
    expect(steps.map((s) => [s.round, s.attempt, s.status])).toEqual([
      [1, 1, 'FAILED'],
      [2, 1, 'SUCCEEDED'],
    ]);
  });

  it('keeps each execution of a step as its own record, also under one attempt number, in the order they started', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    // A worker killed mid-step leaves its record RUNNING; the step runs again elsewhere as attempt 1.
    const killed: StepRecord = { ...step(d, 'web-1', 'activate'), execution: 'e-1', worker: '11@old', status: 'RUNNING', finishedAt: undefined };
    const rerun: StepRecord = {
      ...step(d, 'web-1', 'activate'),
      execution: 'e-2',
      worker: '22@new',
      startedAt: at(5),
      status: 'RUNNING',
      finishedAt: undefined,
    };
    await open.store.saveStep(killed);
    await open.store.saveStep(rerun);
    await open.store.saveStep({ ...rerun, status: 'SUCCEEDED', finishedAt: at(6) });
    const logs = await open.store.getLogs(d.id, { host: 'web-1' });
    expect(logs.map((s) => [s.execution, s.worker, s.attempt, s.status])).toEqual([
      ['e-1', '11@old', 1, 'RUNNING'],
      ['e-2', '22@new', 1, 'SUCCEEDED'],
    ]);
  });

  it('keeps the last 64 KiB of each output with a marker, and a 4 KiB tail', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    const line = (i: number) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(49)}\n`; // 64 bytes
    const stdout = Array.from({ length: 3200 }, (_, i) => line(i)).join(''); // 200 KiB
    const stderr = '€'.repeat(30_000); // 3-byte characters: the cut must not split one
    await open.store.saveStep({ ...step(d, 'web-1', 'restart'), stdout, stderr: `${stderr}\nrestart failed\n` });

    const [logged] = await open.store.getLogs(d.id, {});
    const dropped = bytes(stdout) - MAX_OUTPUT_BYTES;
    const marker = `…[truncated ${dropped} bytes]\n`;
    expect(logged?.stdout?.startsWith(marker)).toBe(true);
    expect(logged?.stdout?.slice(marker.length)).toBe(stdout.slice(-MAX_OUTPUT_BYTES));
    expect(logged?.stdout?.endsWith(line(3199))).toBe(true);

    const keptErr = logged?.stderr?.replace(/^…\[truncated (\d+) bytes\]\n/, '') ?? '';
    expect(bytes(keptErr)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(keptErr).toMatch(/^€+\nrestart failed\n$/);
    const droppedErr = Number(/^…\[truncated (\d+) bytes\]/.exec(logged?.stderr ?? '')?.[1]);
    expect(droppedErr + bytes(keptErr)).toBe(bytes(`${stderr}\nrestart failed\n`));

    const [summary] = await open.store.listSteps(d.id);
    expect(summary).not.toHaveProperty('stdout');
    expect(bytes(summary?.outputTail ?? '')).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
    expect(bytes(summary?.outputTail ?? '')).toBeGreaterThan(OUTPUT_TAIL_BYTES - 3);
    expect(summary?.outputTail).toMatch(/^€+\nrestart failed\n$/);
  });

  it('puts stdout before stderr in the tail', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.saveStep({ ...step(d, 'web-1', 'activate'), stdout: 'switched', stderr: 'warning: slow disk\n' });
    expect((await open.store.listSteps(d.id))[0]?.outputTail).toBe('switched\nwarning: slow disk\n');
  });

  it('returns logs in host order, step order, attempt order, filtered by host and step', async () => {
    const d = newDeployment();
    await open.store.insertDeployment(d);
    await open.store.setHosts(d.id, 'q', [], hosts('web-2', 'web-1'));
    const saved = [
      step(d, 'web-1', 'health'),
      step(d, 'web-2', 'drain', 2),
      step(d, 'web-2', 'rollback-activate'),
      step(d, 'web-2', 'drain', 1),
      step(d, 'web-2', 'stage'),
      step(d, 'web-1', 'stage'),
    ];
    for (const s of saved) await open.store.saveStep({ ...s, stdout: `${s.host} ${s.step} ${s.attempt}` });

    const keys = (records: StepRecord[]) => records.map((r) => `${r.host}/${r.step}/${r.attempt}`);
    expect(keys(await open.store.getLogs(d.id, {}))).toEqual([
      'web-2/stage/1',
      'web-2/drain/1',
      'web-2/drain/2',
      'web-2/rollback-activate/1',
      'web-1/stage/1',
      'web-1/health/1',
    ]);
    expect(keys(await open.store.getLogs(d.id, { host: 'web-1' }))).toEqual(['web-1/stage/1', 'web-1/health/1']);
    expect(keys(await open.store.getLogs(d.id, { step: 'drain' }))).toEqual(['web-2/drain/1', 'web-2/drain/2']);
    const [one] = await open.store.getLogs(d.id, { host: 'web-2', step: 'stage' });
    expect(one).toMatchObject({ stdout: 'web-2 stage 1', startedAt: at(1), finishedAt: at(2) });
    expect(await open.store.getLogs(d.id, { host: 'web-9' })).toEqual([]);
  });
});
