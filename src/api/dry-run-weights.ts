import type { ServerAdminState } from '../domain/haproxy.ts';
import { enableWeight, IN_MAINTENANCE_REASON, inMaintenance } from '../domain/haproxy-weights.ts';
import type { Host, LoadBalancer } from '../domain/ports.ts';

/** One host's server on one LB box in a dry run: as found now, and what the enable would set. */
export interface PlannedBoxWeight {
  lb: string;
  state: ServerAdminState;
  /** The weight in effect now (an operator's hand-set weight included). */
  weight: number;
  /** The weight in the HAProxy configuration. */
  configuredWeight: number;
  /** The absolute weight of the first enable (`percent`% of `fullWeight`, never 0). */
  enableWeight: number;
  /** The weight the host returns to after the degradation time. */
  fullWeight: number;
  /** The percent rounds down to 0 on this weight: the enable uses 1 instead. */
  raisedToMinimum: boolean;
}

export interface PlannedHostWeights {
  host: string;
  /** In MAINT or DRAIN on some box now: the deploy would leave its HAProxy state alone. */
  inMaintenance: boolean;
  /** Why the deploy would skip the host (unless `includeHostsInMaintenance`). */
  skipped?: string | undefined;
  boxes: PlannedBoxWeight[];
}

/** Servers read at once: a dry run over a large fleet does not open hundreds of runtime-API connections together. */
const PARALLEL_READS = 8;

/**
 * The effective weights a deploy at `percent` would give each host on each LB
 * box, from the servers' state now. Reads only; a server missing from the
 * backend rejects with the LoadBalancerError naming box and server.
 */
export async function plannedWeights(
  loadBalancer: Pick<LoadBalancer, 'inspect'>,
  loadBalancers: Host[],
  backend: string,
  hostNames: readonly string[],
  percent: number,
  options: { includeHostsInMaintenance?: boolean | undefined } = {},
): Promise<PlannedHostWeights[]> {
  const plans: PlannedHostWeights[] = new Array(hostNames.length);
  let next = 0;
  const reader = async () => {
    for (let at = next++; at < hostNames.length; at = next++) {
      const host = hostNames[at]!;
      const found = await loadBalancer.inspect(loadBalancers, backend, host);
      const maintenance = inMaintenance(found);
      plans[at] = {
        host,
        inMaintenance: maintenance,
        ...(maintenance && !options.includeHostsInMaintenance ? { skipped: IN_MAINTENANCE_REASON } : {}),
        boxes: found.map((f) => {
          const planned = enableWeight(f, percent);
          return {
            lb: f.lb,
            state: f.admin,
            weight: f.weight,
            configuredWeight: f.initialWeight,
            enableWeight: planned.weight,
            fullWeight: planned.fullWeight,
            raisedToMinimum: planned.raisedToMinimum,
          };
        }),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, hostNames.length) }, reader));
  return plans;
}
