import type { Deployment, Host, Step } from '../../../src/cli/render/deployment.ts';
import type { LogStep, Vm as VmJson } from '../../../src/client/index.ts';

export const T0 = Date.parse('2024-06-01T12:00:00.000Z');
export const at = (ms: number) => new Date(T0 + ms).toISOString();

export function step(name: string, status: Step['status'], startMs: number, endMs?: number, extra: Partial<Step> = {}): Step {
  return {
    name,
    status,
    attempts: 1,
    startedAt: at(startMs),
    finishedAt: endMs === undefined ? null : at(endMs),
    error: null,
    errorType: null,
    docs: null,
    outputTail: '',
    ...extra,
  };
}

const ok = (names: string[], from = 0) => names.map((n, i) => step(n, 'SUCCEEDED', from + i * 100, from + i * 100 + 100));

export function host(name: string, status: Host['status'], steps: Step[] = [], error: string | null = null): Host {
  return { name, address: '127.0.0.1', status, error, errorType: null, docs: null, previousVersion: null, steps };
}

export const ALL_STEPS = ['stage', 'drain', 'activate', 'restart', 'health', 'enable', 'full'];

/** A deploy of shop v2 mid-way: vm1 done, vm2 restarting, vm3 waiting. */
export function runningDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd-0123456789abcdef',
    application: 'shop',
    environment: 'production',
    team: 'payments',
    version: 'v2',
    status: 'RUNNING',
    requestedBy: 'payments',
    chefQuery: 'tags:app-shop AND chef_environment:production',
    loadBalancers: ['shop-lb1'],
    createdAt: at(0),
    startedAt: at(0),
    finishedAt: null,
    durationMs: null,
    error: null,
    request: null,
    rollbackOf: null,
    rolledBackBy: null,
    rollbackReason: null,
    hosts: [
      host('shop-vm1', 'DONE', ok(ALL_STEPS)),
      host('shop-vm2', 'RUNNING', [...ok(['stage', 'drain', 'activate'], 700), step('restart', 'RUNNING', 1000)]),
      host('shop-vm3', 'PENDING'),
    ],
    links: { self: 'http://api/v1/deployments/d-0123456789abcdef', temporalUi: 'http://ui/namespaces/default/workflows/deploy-d-0123456789abcdef' },
    ...overrides,
  };
}

const healthCheckFailed = { errorType: 'HealthCheckFailed', docs: 'docs/runbook.md#healthcheckfailed' };

/** The same deploy ended: vm2's health check failed and it was rolled back, vm3 skipped. */
export function failedDeployment(): Deployment {
  const health = step('health', 'FAILED', 1100, 3100, {
    error: 'health: not healthy after 2s: HTTP 500',
    ...healthCheckFailed,
    outputTail: 'GET /health -> HTTP 500\nGET /health -> HTTP 500\nbroken release\n',
  });
  const rollback = ok(['rollback-activate', 'rollback-restart', 'rollback-health', 'rollback-enable'], 3100);
  return runningDeployment({
    status: 'FAILED',
    finishedAt: at(3600),
    durationMs: 3600,
    error: 'shop-vm2 failed: health',
    hosts: [
      host('shop-vm1', 'DONE', ok(ALL_STEPS)),
      {
        ...host(
          'shop-vm2',
          'ROLLED_BACK',
          [...ok(['stage', 'drain', 'activate', 'restart'], 700), health, ...rollback],
          'health: not healthy after 2s: HTTP 500',
        ),
        ...healthCheckFailed,
      },
      host('shop-vm3', 'SKIPPED'),
    ],
  });
}

/** A READY VM as `GET /v1/vms/:name` answers it. */
export function vmJson(overrides: Partial<VmJson> = {}): VmJson {
  return {
    name: 'shop-prod-py-u22-001',
    requestId: 'vr-1',
    application: 'shop',
    environment: 'prod',
    team: 'payments',
    stack: 'python',
    osVersion: 'ubuntu-22.04',
    machineType: 'n2-standard-2',
    status: 'READY',
    address: '10.0.0.5',
    jobName: null,
    error: null,
    attempts: 0,
    lastError: null,
    createdAt: at(0),
    updatedAt: at(0),
    transitions: [],
    links: { self: 'http://api/v1/vms/shop-prod-py-u22-001', request: 'http://api/v1/vm-requests/vr-1' },
    ...overrides,
  };
}

/** One step execution as `GET /v1/deployments/:id/logs` answers it: a drain that succeeded. */
export function logStep(overrides: Partial<LogStep> = {}): LogStep {
  const start = '2024-06-01T12:00:00.000Z';
  return {
    host: 'a',
    step: 'drain',
    round: 1,
    attempt: 1,
    worker: null,
    status: 'SUCCEEDED',
    command: null,
    exitCode: null,
    stdout: '',
    stderr: '',
    error: null,
    errorType: null,
    docs: null,
    startedAt: start,
    finishedAt: start,
    ...overrides,
  };
}
