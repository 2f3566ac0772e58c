import { LoadBalancerError, type ServerAdminState } from '../domain/haproxy.ts';
import { enableWeight, IN_MAINTENANCE_REASON, inMaintenance, type LbFound } from '../domain/haproxy-weights.ts';
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

/**
 * The effective weights a deploy at `percent` would give each host on each LB
 * box, from the servers' state now: one `show servers state` per box, so a
 * dry run costs the same round trips whatever the fleet's size. Reads only; a
 * server missing from the backend rejects with the LoadBalancerError naming box and server.
 */
export async function plannedWeights(
  loadBalancer: Pick<LoadBalancer, 'serverStates'>,
  loadBalancers: Host[],
  backend: string,
  hostNames: readonly string[],
  percent: number,
  options: { includeHostsInMaintenance?: boolean | undefined } = {},
): Promise<PlannedHostWeights[]> {
  if (hostNames.length === 0) return [];
  const boxes = await Promise.all(loadBalancers.map(async (lb) => ({ lb, servers: await loadBalancer.serverStates(lb, backend) })));
  return hostNames.map((host) => {
    const found: LbFound[] = boxes.map(({ lb, servers }) => {
      const state = servers.find((s) => s.server === host);
      if (!state) throw new LoadBalancerError(lb.name, backend, host, '', 'no such server in show servers state');
      return { lb: lb.name, admin: state.admin, weight: state.weight, initialWeight: state.initialWeight };
    });
    const maintenance = inMaintenance(found);
    return {
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
  });
}
