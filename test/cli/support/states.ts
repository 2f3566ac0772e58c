import type { DeploymentStore, HostStatus, StepName, StepRecord } from '../../../src/domain/deployment.ts';
import { ALL_STEPS } from './fixtures.ts';

/**
 * The states of fixtures.ts (a deploy of shop over shop-vm1..3), written into
 * the real store through the calls the worker's activities make: `discover`
 * → setHosts, each recorded step → saveStep (RUNNING, then its end, the same
 * execution), setHostStatus and setDeploymentStatus → setStatus. Times are
 * offsets from `t0`, so durations come out as in the fixtures.
 */
export class DeploymentWriter {
  constructor(
    private readonly store: DeploymentStore,
    readonly id: string,
    private readonly t0 = Date.now(),
  ) {}

  private at(ms: number): Date {
    return new Date(this.t0 + ms);
  }

  async step(host: string, step: StepName, startMs: number, endMs?: number, extra: Partial<StepRecord> = {}): Promise<void> {
    const execution = `${host}-${step}`;
    const base = { deploymentId: this.id, host, step, attempt: 1, round: 1, execution, startedAt: this.at(startMs) };
    await this.store.saveStep({ ...base, status: 'RUNNING' });
    if (endMs !== undefined) await this.store.saveStep({ ...base, status: 'SUCCEEDED', finishedAt: this.at(endMs), ...extra });
  }

  private async ok(host: string, names: readonly string[], from: number): Promise<void> {
    for (const [i, name] of names.entries()) await this.step(host, name as StepName, from + i * 100, from + i * 100 + 100);
  }

  private host(name: string, status: HostStatus, error?: string): Promise<void> {
    return this.store.setHostStatus(this.id, name, status, error);
  }

  /** runningDeployment(): vm1 done, vm2 restarting, vm3 waiting. */
  async running(): Promise<void> {
    const hosts = ['shop-vm1', 'shop-vm2', 'shop-vm3'].map((name) => ({ name, address: '127.0.0.1', status: 'PENDING' as const }));
    await this.store.setHosts(this.id, 'tags:app-shop AND chef_environment:production', ['shop-lb1'], hosts);
    await this.store.setStatus(this.id, 'RUNNING', this.at(0));
    await this.host('shop-vm1', 'RUNNING');
    await this.ok('shop-vm1', ALL_STEPS, 0);
    await this.host('shop-vm1', 'DONE');
    await this.host('shop-vm2', 'RUNNING');
    await this.ok('shop-vm2', ['stage', 'drain', 'activate'], 700);
    await this.step('shop-vm2', 'restart', 1000);
  }

  /** failedDeployment(): vm2's health check failed and it was rolled back, vm3 skipped. */
  async failed(): Promise<void> {
    await this.step('shop-vm2', 'restart', 1000, 1100);
    const error = 'health: not healthy after 2s: HTTP 500';
    await this.step('shop-vm2', 'health', 1100, 3100, {
      status: 'FAILED',
      error,
      errorType: 'HealthCheckFailed',
      stdout: 'GET /health -> HTTP 500\nGET /health -> HTTP 500\n',
      stderr: 'broken release\n',
    });
    await this.ok('shop-vm2', ['rollback-activate', 'rollback-restart', 'rollback-health', 'rollback-enable'], 3100);
    await this.host('shop-vm2', 'ROLLED_BACK', error);
    await this.host('shop-vm3', 'SKIPPED');
    await this.store.setStatus(this.id, 'FAILED', this.at(3600), 'shop-vm2 failed: health');
  }

  /** Every host done, 3 s after the start. */
  async succeeded(): Promise<void> {
    await this.step('shop-vm2', 'restart', 1000, 1100);
    await this.ok('shop-vm2', ALL_STEPS.slice(4), 1100);
    await this.host('shop-vm2', 'DONE');
    await this.host('shop-vm3', 'RUNNING');
    await this.ok('shop-vm3', ALL_STEPS, 2000);
    await this.host('shop-vm3', 'DONE');
    await this.store.setStatus(this.id, 'SUCCEEDED', this.at(3000));
  }
}
