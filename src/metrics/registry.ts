import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Vesemir's own Prometheus metrics, one registry per process so that tests
 * (and an API and a worker in one process) never share global state.
 * Names and labels are the contract of grafana/vesemir-dashboard.json.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status_code'>;
  httpDuration: Histogram<'route' | 'method' | 'status_code'>;
  deploymentsStarted: Counter;
  /** `outcome`: SUCCEEDED | FAILED | CANCELLED, the words of the API and the `DeployStatus` search attribute. */
  deploymentsFinished: Counter<'outcome'>;
  /** One observation per attempt of a host step; `outcome`: success | failure. */
  hostStepDuration: Histogram<'step' | 'outcome'>;
  provisioningJobsSubmitted: Counter;
  /** `outcome`: READY | FAILED, the VM's final state. */
  provisioningJobsFinished: Counter<'outcome'>;
}

export interface MetricsOptions {
  /** Node's process metrics (CPU, memory, event loop lag). @default true */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'vesemir_http_requests_total',
      help: 'API requests by route template, method and status code',
      labelNames: ['route', 'method', 'status_code'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'vesemir_http_request_duration_seconds',
      help: 'API request latency',
      labelNames: ['route', 'method', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    deploymentsStarted: new Counter({
      name: 'vesemir_deployments_started_total',
      help: 'Deployments that got their turn and started touching hosts',
      registers,
    }),
    deploymentsFinished: new Counter({
      name: 'vesemir_deployments_finished_total',
      help: 'Deployments that reached a final status, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    hostStepDuration: new Histogram({
      name: 'vesemir_host_step_duration_seconds',
      help: 'Duration of each attempt of a host step (stage, drain, activate, restart, health, enable, full, rollback-*)',
      labelNames: ['step', 'outcome'],
      // From a weight change (ms) to an upload or a slow health check (minutes).
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    provisioningJobsSubmitted: new Counter({
      name: 'vesemir_provisioning_jobs_submitted_total',
      help: 'Provisioning jobs submitted to the job runner (one per VM)',
      registers,
    }),
    provisioningJobsFinished: new Counter({
      name: 'vesemir_provisioning_jobs_finished_total',
      help: 'VMs whose provisioning ended, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
