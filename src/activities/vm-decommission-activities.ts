import { Context } from '@temporalio/activity';
import type { ApplicationCatalog } from '../domain/applications.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { LoadBalancerError } from '../domain/haproxy.ts';
import type { AllowedNetworks } from '../domain/networks.ts';
import type { Host, LoadBalancer } from '../domain/ports.ts';
import { chefPlacement, renderDecommissionJob } from '../domain/provisioning-catalog.ts';
import type { VmRecord } from '../domain/vm.ts';
import { lbBoxesOf } from './chef-nodes.ts';
import { DEFAULT_DRAIN_TIMEOUT_MS } from './deps.ts';
import { mapFailures } from './failures.ts';
import { untilCancelled } from './heartbeat.ts';
import { jobFailure, type VmActivityDeps, vmAttempt } from './vm-activities.ts';

/** What decommissioning needs beyond VM creation: the application's HAProxy side. */
export interface VmDecommissionDeps extends VmActivityDeps {
  loadBalancer: LoadBalancer;
  applications: ApplicationCatalog;
  /** @default DEFAULT_DRAIN_TIMEOUT_MS */
  drainTimeoutMs?: number | undefined;
  /** Networks the LB boxes may be in, as for deploys (VESEMIR_ALLOWED_NETWORKS). @default any valid IP */
  allowedNetworks?: AllowedNetworks | undefined;
}

/** The VM as a server of one backend: the boxes whose HAProxy lists it. */
export interface VmServer {
  backend: string;
  loadBalancers: Host[];
}

export interface VmServerInput extends VmServer {
  name: string;
}

/**
 * The runner's request id for a VM's decommission: never the creation's, and
 * one per workflow run, so a retried submission finds its job while a repeat
 * after a failed run gets a new one.
 */
export const decommissionRequestId = (name: string, runId: string) => `decommission-${name}-${runId}`;

export function createVmDecommissionActivities(deps: VmDecommissionDeps) {
  const now = deps.now ?? (() => new Date());
  const attempt = vmAttempt(deps, now);
  const drainTimeoutMs = deps.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  const vmOf = async (name: string): Promise<VmRecord> => {
    const vm = await deps.vmStore.getVm(name);
    if (!vm) throw new VesemirError(ErrorType.VmNotFound, `VM ${name} is not in the inventory`);
    return vm;
  };

  return {
    /** DECOMMISSIONING (a repeat after a failed run finds it so); answers DECOMMISSIONED for one already done. */
    async beginDecommission(input: { name: string; reason: string }): Promise<{ status: VmRecord['status'] }> {
      return mapFailures(async () => {
        const vm = await vmOf(input.name);
        if (vm.status === 'DECOMMISSIONED') return { status: vm.status };
        const moved = await deps.vmStore.transition(input.name, 'DECOMMISSIONING', now(), { reason: input.reason });
        return { status: moved.status };
      });
    },

    /**
     * The backends of the VM's application (the applications file is the
     * ceiling) whose HAProxy lists the VM, on the application's LB boxes
     * found through Chef. A box without the backend does not list it.
     */
    async findVmServers(input: { name: string }): Promise<VmServer[]> {
      return attempt(input.name, async () => {
        const vm = await vmOf(input.name);
        const app = deps.applications.get(vm.application);
        if (!app) throw new VesemirError(ErrorType.UnknownApplication, `application '${vm.application}' of VM ${vm.name} is not configured on this worker`);
        const lbs = await lbBoxesOf(deps.chef, deps.allowedNetworks, app, vm.environment);
        const servers: VmServer[] = [];
        for (const backend of app.haproxy.backends) {
          const listing = await Promise.all(lbs.map(async (lb) => ((await statesOrNone(deps.loadBalancer, lb, backend)).includes(vm.name) ? [lb] : [])));
          const loadBalancers = listing.flat();
          if (loadBalancers.length > 0) servers.push({ backend, loadBalancers });
        }
        return servers;
      });
    },

    async drainVmServer(input: VmServerInput): Promise<void> {
      return attempt(input.name, async () => {
        const reports = await deps.loadBalancer.drain(input.loadBalancers, input.backend, input.name, { drainTimeoutMs });
        for (const r of reports) deps.logger.info({ vm: input.name, backend: input.backend, ...r }, 'drained for decommission');
      });
    },

    /** `del server` after the drain; a failure says the server is left drained, in maintenance. */
    async removeVmServer(input: VmServerInput): Promise<void> {
      return attempt(input.name, async () => {
        try {
          await deps.loadBalancer.removeServer(input.loadBalancers, input.backend, input.name, { drainTimeoutMs });
        } catch (err) {
          if (!(err instanceof VesemirError)) throw err;
          const boxes = input.loadBalancers.map((lb) => lb.name).join(', ');
          throw new VesemirError(err.type, `${input.backend}/${input.name} is drained but not removed on ${boxes}: ${err.message}`, {
            details: { ...err.details, leftDrained: { backend: input.backend, loadBalancers: boxes } },
            retryable: err.retryable,
          });
        }
      });
    },

    /** The runner's decommission job, from the catalog; the runner deduplicates a resubmission by its request id. */
    async submitDecommissionJob(input: { name: string; runId: string }): Promise<{ jobName: string }> {
      return attempt(input.name, async () => {
        const vm = await vmOf(input.name);
        const placement = chefPlacement(deps.applications.get(vm.application), vm.application, vm.environment);
        const { job, args } = renderDecommissionJob(deps.catalog, { ...vm, name: vm.name, ...placement });
        const { executionName } = await deps.provisioner.submit({ job, args, requestId: decommissionRequestId(vm.name, input.runId) });
        deps.logger.info({ vm: vm.name, job, execution: executionName }, 'decommission job submitted');
        return { jobName: executionName };
      });
    },

    /** One status poll: SUCCEEDED ends it, FAILED for good, anything else is a BENIGN "not yet". */
    async pollDecommissionJob(input: { name: string; jobName: string }): Promise<void> {
      return attempt(input.name, async (signal) => {
        const { state, raw } = await untilCancelled(deps.provisioner.status(input.jobName, { signal }));
        if (state === 'SUCCEEDED') return;
        if (state === 'FAILED') {
          const reason = await untilCancelled(jobFailure(deps.provisioner, 'decommission', input.jobName, signal));
          throw new VesemirError(ErrorType.DecommissionFailed, reason, { details: { raw } });
        }
        const poll = Context.current().info.attempt;
        throw new VesemirError(ErrorType.ProvisioningPending, `decommission job ${input.jobName} is ${raw} (poll ${poll})`, { details: { state, raw } });
      });
    },

    /** Deletes the VM's Chef node and client; either already gone (the job's own cleanup) is fine. */
    async deregisterVm(input: { name: string }): Promise<{ node: string; client: string }> {
      return attempt(input.name, () => deps.chef.deleteNode(input.name));
    },

    async markVmDecommissioned(input: { name: string; reason: string }): Promise<void> {
      return mapFailures(async () => {
        await deps.vmStore.transition(input.name, 'DECOMMISSIONED', now(), { reason: input.reason });
      });
    },

    /** The failed step's error stays on the VM, still DECOMMISSIONING, until a repeat finishes it. */
    async noteDecommissionFailed(input: { name: string; error: string }): Promise<void> {
      return mapFailures(() => deps.vmStore.setDecommissionError(input.name, input.error, now()));
    },
  };
}

/** The servers of `backend` on one box; a box without that backend lists none. */
async function statesOrNone(lb: LoadBalancer, box: Host, backend: string): Promise<string[]> {
  try {
    return (await lb.serverStates(box, backend)).map((s) => s.server);
  } catch (err) {
    if (err instanceof LoadBalancerError && /Can't find backend/i.test(err.answer)) return [];
    throw err;
  }
}

export type VmDecommissionActivities = ReturnType<typeof createVmDecommissionActivities>;
