import type { Application } from '../domain/applications.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { type AllowedNetworks, parseAllowedNetworks } from '../domain/networks.ts';
import type { ChefClient, Host } from '../domain/ports.ts';
import { searchWithinScope } from '../domain/scoped-search.ts';
import { resolveTargets } from '../domain/targets.ts';
import { untilCancelled } from './heartbeat.ts';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * What Chef says is data from outside: node names become HAProxy server
 * names and workflow IDs, addresses become SSH targets. Both are checked,
 * for deploys, decommissions and recycles alike.
 */
export function checkNode(allowedNetworks: AllowedNetworks | undefined, node: Host): void {
  if (!NODE_NAME.test(node.name)) {
    throw new VesemirError(ErrorType.AddressNotAllowed, `Chef node name '${node.name.slice(0, 80)}' is not a valid host name`);
  }
  const networks = allowedNetworks ?? parseAllowedNetworks(undefined);
  if (!networks.allows(node.address)) {
    throw new VesemirError(
      ErrorType.AddressNotAllowed,
      `Chef node ${node.name} has address ${node.address.slice(0, 64)}, outside the allowed networks (${networks.describe()})`,
    );
  }
}

/** The application's LB boxes in an environment, found within its scope and checked. */
export async function lbBoxesOf(chef: ChefClient, allowedNetworks: AllowedNetworks | undefined, app: Application, environment: string): Promise<Host[]> {
  const targets = resolveTargets(app, { application: app.name, environment });
  const lbs = await untilCancelled(searchWithinScope(chef, targets.loadBalancerQuery, targets.loadBalancerScopeQuery));
  for (const lb of lbs) checkNode(allowedNetworks, lb);
  return lbs;
}
