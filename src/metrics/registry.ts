import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DEPLOYMENT_STATUSES, type DeploymentStatus, TERMINAL_DEPLOYMENT_STATUSES } from '../domain/deployment.ts';
import { type AlertFacts, type StoreGauges, storeGauges } from './store-gauges.ts';

/**
 * Vesemir's own Prometheus metrics, one registry per process so that tests
 * (and an API and a worker in one process) never share global state.
 * Names and labels are the contract of grafana/vesemir-dashboard.json.
 */
export interface Metrics extends StoreGauges {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status_code'>;
  httpDuration: Histogram<'route' | 'method' | 'status_code'>;
  /** Runs of the deploy workflow that joined their application's queue (a retry is a run of its own). */
  deploymentsQueued: Counter;
  /** Runs that got their turn (RUNNING, or PAUSED when paused while queued). */
  deploymentsStarted: Counter;
  /**
   * `outcome`: SUCCEEDED | FAILED | CANCELLED, the words of the API and the
   * `DeployStatus` search attribute, for runs that started; CANCELLED_WHILE_QUEUED
   * (FAILED_WHILE_QUEUED: the lock could not be asked) for runs that never did.
   */
  deploymentsFinished: Counter<'outcome'>;
  /** Deployments not finished, per status, read from the database at each scrape (see countInFlightWith). */
  deploymentsInFlight: Gauge<'status'>;
  /** Where the in-flight gauge reads its counts: the API's store. Without it the gauge has no samples. */
  countInFlightWith(source: InFlightSource): void;
  /** Where the alerts' gauges (quarantined hosts, queue age, step age) read: the API's database. Without it they have no samples. */
  readAlertFactsFrom(source: AlertFacts): void;
  /** One observation per attempt of a host step; `outcome`: success | failure. */
  hostStepDuration: Histogram<'step' | 'outcome'>;
  provisioningJobsSubmitted: Counter;
  /** `outcome`: READY | FAILED, the VM's final state. */
  provisioningJobsFinished: Counter<'outcome'>;
}

/** Counts of unfinished deployments per status. */
export type InFlightSource = () => Promise<Partial<Record<DeploymentStatus, number>>>;

export const IN_FLIGHT_STATUSES = DEPLOYMENT_STATUSES.filter((s) => !TERMINAL_DEPLOYMENT_STATUSES.includes(s));

/**
 * Outcomes whose series exist from the start at 0: a series born at 1 shows
 * no `increase()` in Prometheus, so an alert on the first FAILED would miss it.
 */
const DEPLOYMENT_OUTCOMES = [...TERMINAL_DEPLOYMENT_STATUSES, 'CANCELLED_WHILE_QUEUED', 'FAILED_WHILE_QUEUED'];
const PROVISIONING_OUTCOMES = ['READY', 'FAILED', 'CANCELLED'];

function zeroed<T extends Counter<'outcome'>>(counter: T, outcomes: readonly string[]): T {
  for (const outcome of outcomes) counter.inc({ outcome }, 0);
  return counter;
}

export interface MetricsOptions {
  /** Node's process metrics (CPU, memory, event loop lag). @default true */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let inFlight: InFlightSource | undefined;
  let alertFacts: AlertFacts | undefined;
  return {
    registry,
    ...storeGauges(registry, () => alertFacts),
    readAlertFactsFrom(source) {
      alertFacts = source;
    },
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
    deploymentsQueued: new Counter({
      name: 'vesemir_deployments_queued_total',
      help: 'Deployment runs that joined their application/environment queue',
      registers,
    }),
    deploymentsStarted: new Counter({
      name: 'vesemir_deployments_started_total',
      help: 'Deployment runs that got their turn (queued = started + finished while queued + still queued)',
      registers,
    }),
    deploymentsFinished: zeroed(
      new Counter({
        name: 'vesemir_deployments_finished_total',
        help: 'Deployment runs that reached a final status, by outcome (*_WHILE_QUEUED: ended before their turn)',
        labelNames: ['outcome'],
        registers,
      }),
      DEPLOYMENT_OUTCOMES,
    ),
    deploymentsInFlight: new Gauge({
      name: 'vesemir_deployments_in_flight',
      help: 'Deployments not finished, by status, as the database holds them at this scrape',
      labelNames: ['status'],
      registers,
      async collect() {
        if (!inFlight) return;
        const counts = await inFlight();
        for (const status of IN_FLIGHT_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    }),
    countInFlightWith(source) {
      inFlight = source;
    },
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
    provisioningJobsFinished: zeroed(
      new Counter({
        name: 'vesemir_provisioning_jobs_finished_total',
        help: 'VMs whose provisioning ended, by outcome',
        labelNames: ['outcome'],
        registers,
      }),
      PROVISIONING_OUTCOMES,
    ),
  };
}
