import { provisioningNotConfigured } from '../config.ts';
import type { DeploymentStatusInput, KeptReleasesInput } from '../domain/deploy-types.ts';
import type { HostStatus } from '../domain/deployment.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { fleetFor } from '../domain/fleet.ts';
import type { FleetToCreate } from '../domain/fleet-budget.ts';
import type { Host } from '../domain/ports.ts';
import { searchWithinScope } from '../domain/scoped-search.ts';
import { resolveTargets, type TargetRequest, type Targets } from '../domain/targets.ts';
import { checkNode } from './chef-nodes.ts';
import type { ActivityDeps, LockRequest } from './deps.ts';
import { mapFailures } from './failures.ts';
import { untilCancelled, whileHeartbeating } from './heartbeat.ts';
import { checkKeptReleases } from './kept-releases.ts';

/** The request's target fields: the worker resolves them against its own applications file. */
export interface DiscoverInput extends TargetRequest {
  deploymentId: string;
  /** Set once the deploy created its declared fleet: no fleet is offered again, and its VMs that failed are left out. */
  createdFleet?: { failed: string[] } | undefined;
}

export interface Discovered {
  hosts: Host[];
  loadBalancers: Host[];
  targets: Targets;
  /** No host found, and the application declares a fleet here: the deploy creates it first (workflows/provision-fleet.ts). */
  fleet?: FleetToCreate | undefined;
}

export function createDeploymentActivities(deps: ActivityDeps) {
  return {
    /** Fetches the artifact once and checks its sha256 before any host is touched. */
    async verifyArtifact(input: { url: string; sha256: string }): Promise<{ bytes: number }> {
      // A cancel stops the wait; a download under way finishes into the cache, harmlessly.
      return mapFailures(() => whileHeartbeating(async () => ({ bytes: (await untilCancelled(deps.artifacts.get(input.url, input.sha256))).length })));
    },

    /**
     * One Chef search for the VMs and one for the HAProxy boxes. The result is
     * the deploy's snapshot: recorded here and in the workflow history, never
     * queried again mid-deploy. The worker resolves the targets itself, so
     * its applications file is the ceiling even for a workflow started by
     * something other than the API.
     */
    async discover(input: DiscoverInput): Promise<Discovered> {
      return mapFailures(() =>
        whileHeartbeating(async () => {
          const app = deps.applications.get(input.application);
          if (!app) throw new VesemirError(ErrorType.UnknownApplication, `application '${input.application}' is not configured on this worker`);
          const targets = resolveTargets(app, input);
          // A cancel stops the wait at the next heartbeat, before anything is recorded.
          const [found, loadBalancers] = await untilCancelled(
            Promise.all([
              searchWithinScope(deps.chef, targets.hostQuery, targets.hostScopeQuery),
              searchWithinScope(deps.chef, targets.loadBalancerQuery, targets.loadBalancerScopeQuery),
            ]),
          );
          const failedVms = new Set(input.createdFleet?.failed ?? []);
          const hosts = found.filter((h) => !failedVms.has(h.name));
          const fleet = hosts.length === 0 && !input.createdFleet ? fleetFor(app, input.environment) : undefined;
          if (hosts.length === 0 && !fleet) {
            throw new VesemirError(ErrorType.NoHostsFound, `Chef found no hosts for ${targets.hostQuery}`);
          }
          if (loadBalancers.length === 0) {
            throw new VesemirError(ErrorType.NoHostsFound, `Chef found no HAProxy boxes for ${targets.loadBalancerQuery}`);
          }
          if (fleet) {
            // Fail at once rather than let each VM's job fail: nothing is allocated, no deadline waited out.
            if (deps.provisioningMissing?.length) throw provisioningNotConfigured(deps.provisioningMissing);
            return { hosts, loadBalancers, targets, fleet };
          }
          for (const node of [...hosts, ...loadBalancers]) checkNode(deps.allowedNetworks, node);
          await deps.store.setHosts(
            input.deploymentId,
            targets.hostQuery,
            loadBalancers.map((lb) => lb.name),
            hosts.map((h) => ({ ...h, status: 'PENDING' as const })),
          );
          return { hosts, loadBalancers, targets };
        }),
      );
    },

    async setDeploymentStatus(input: DeploymentStatusInput): Promise<void> {
      await mapFailures(() => deps.store.setStatus(input.deploymentId, input.status, new Date(), input.error));
    },

    /** `previousVersion`: the release the host had before this deploy, kept for a later rollback (never cleared). */
    async setHostStatus(input: { deploymentId: string; host: string; status: HostStatus; error?: string; previousVersion?: string }): Promise<void> {
      await mapFailures(() => deps.store.setHostStatus(input.deploymentId, input.host, input.status, input.error, input.previousVersion));
    },

    /** The hosts a stopped deploy never started, in one write. */
    async setHostsSkipped(input: { deploymentId: string; hosts: string[]; error: string }): Promise<void> {
      await mapFailures(() => deps.store.setHostsStatus(input.deploymentId, input.hosts, 'SKIPPED', input.error));
    },

    checkKeptReleases: (input: KeptReleasesInput) => checkKeptReleases(deps, input),

    async isDeployRunning(input: { workflowId: string }): Promise<boolean> {
      return deps.lock.isRunning(input.workflowId);
    },

    /** Asks the (application, environment) lock for a turn; the grant arrives as a signal. */
    async requestDeployLock(input: LockRequest): Promise<void> {
      await deps.lock.request(input);
    },
  };
}
