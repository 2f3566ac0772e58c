import { Gauge, type Registry } from 'prom-client';

/**
 * What the alerts need to know that no counter can say: states that last
 * (a host left drained, a deploy waiting, a step running), read from the
 * database at each scrape, so they survive restarts and clear when the
 * state does. Ages are computed by the database's clock.
 */
export interface AlertFacts {
  /** Hosts whose latest deploy left them QUARANTINED, per application and environment. */
  quarantinedHosts(): Promise<{ application: string; environment: string; hosts: number }[]>;
  /** Seconds the oldest QUEUED deployment has waited; undefined when none waits. */
  oldestQueuedSeconds(): Promise<number | undefined>;
  /** Per host step, the seconds its oldest attempt still running (in a running deploy) has run. */
  runningStepSeconds(): Promise<{ step: string; seconds: number }[]>;
}

export interface StoreGauges {
  hostsQuarantined: Gauge<'application' | 'environment'>;
  oldestQueuedSeconds: Gauge;
  stepRunningSeconds: Gauge<'step'>;
}

/** Replaces a labelled gauge's series with `samples`: a state that ended leaves no series behind. */
async function fill<L extends string>(gauge: Gauge<L>, samples: Promise<[Record<L, string>, number][]> | undefined): Promise<void> {
  if (!samples) return;
  const read = await samples;
  gauge.reset();
  for (const [labels, value] of read) gauge.set(labels, value);
}

/** The gauges, registered on `registry`; they have no samples until `source()` returns facts. */
export function storeGauges(registry: Registry, source: () => AlertFacts | undefined): StoreGauges {
  const registers = [registry];
  return {
    hostsQuarantined: new Gauge({
      name: 'vesemir_hosts_quarantined',
      help: 'Hosts whose latest deploy left them QUARANTINED (drained or unverified), as the database holds them at this scrape',
      labelNames: ['application', 'environment'],
      registers,
      async collect() {
        const rows = source()?.quarantinedHosts();
        await fill(
          this,
          rows?.then((rs) => rs.map(({ application, environment, hosts }) => [{ application, environment }, hosts])),
        );
      },
    }),
    oldestQueuedSeconds: new Gauge({
      name: 'vesemir_oldest_queued_deployment_seconds',
      help: 'How long the oldest QUEUED deployment has waited for its turn (0 when none waits)',
      registers,
      async collect() {
        const facts = source();
        if (facts) this.set((await facts.oldestQueuedSeconds()) ?? 0);
      },
    }),
    stepRunningSeconds: new Gauge({
      name: 'vesemir_step_running_seconds',
      help: 'Per host step, how long its oldest attempt still running in a running deploy has run',
      labelNames: ['step'],
      registers,
      async collect() {
        await fill(
          this,
          source()
            ?.runningStepSeconds()
            .then((rs) => rs.map(({ step, seconds }) => [{ step }, seconds])),
        );
      },
    }),
  };
}
