import type { HostStepInput } from '../domain/deploy-types.ts';
import { enableNote, foundNote, IN_MAINTENANCE_REASON, inMaintenance, type LbFound } from '../domain/haproxy-weights.ts';
import type { EnableReport, Host } from '../domain/ports.ts';
import { type ActivityDeps, DEFAULT_DRAIN_TIMEOUT_MS } from './deps.ts';
import { recordedStep } from './step-log.ts';

export interface LbStepInput extends HostStepInput {
  loadBalancers: Host[];
  backend: string;
}

/** A host's server on every LB box: inspect, drain, enable, restore; each a recorded step. */
export function createLbActivities(deps: ActivityDeps) {
  return {
    /**
     * Records the server's admin state and weight on every box before the
     * deploy changes anything: what a rollback restores and what tells an
     * operator's maintenance from our own drain.
     */
    async inspectHost(input: LbStepInput): Promise<LbFound[]> {
      return recordedStep(deps, input, 'inspect', async (log) => {
        const found = await deps.loadBalancer.inspect(input.loadBalancers, input.backend, input.host.name);
        for (const f of found) log.note(foundNote(input.backend, input.host.name, f));
        if (inMaintenance(found)) log.note(`${input.host.name}: ${IN_MAINTENANCE_REASON}`);
        return found;
      });
    },

    async drainHost(input: LbStepInput & { rollback?: boolean }): Promise<void> {
      return recordedStep(deps, input, input.rollback ? 'rollback-drain' : 'drain', async (log) => {
        const reports = await deps.loadBalancer.drain(input.loadBalancers, input.backend, input.host.name, {
          drainTimeoutMs: deps.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
        });
        for (const r of reports) {
          log.note(`${r.lb}: ${input.backend}/${input.host.name} in maintenance after ${r.waitedMs} ms, ${r.sessionsLeft} sessions cut`);
        }
      });
    },

    /** Ready at `weight`% of the weight found before the deploy (absolute, never 0); answers the weights set. */
    async enableHost(input: LbStepInput & { weight: number; found?: LbFound[] | undefined; step: 'enable' | 'full' }): Promise<EnableReport[]> {
      return recordedStep(deps, input, input.step, async (log) => {
        const reports = await deps.loadBalancer.enable(input.loadBalancers, input.backend, input.host.name, {
          percent: input.weight,
          found: input.found,
        });
        for (const r of reports) log.note(enableNote(input.backend, input.host.name, r.lb, input.weight, r));
        return reports;
      });
    },

    /**
     * The last step of a rollback: the admin state and weight found before the
     * deploy, exactly; without a recorded state (none, or found ready at the
     * configured weight: foundAsConfigured), ready at the configured weight.
     */
    async restoreHost(input: LbStepInput & { found?: LbFound[] | undefined }): Promise<void> {
      return recordedStep(deps, input, 'rollback-enable', async (log) => {
        const { loadBalancers, backend, host, found } = input;
        if (!found) {
          const reports = await deps.loadBalancer.enable(loadBalancers, backend, host.name, { percent: 100 });
          for (const r of reports) log.note(`${r.lb}: ${backend}/${host.name} ready at its configured weight ${r.weight} (as found, or no state recorded)`);
          return;
        }
        await deps.loadBalancer.restore(loadBalancers, backend, host.name, found);
        for (const f of found) log.note(`${f.lb}: ${backend}/${host.name} restored to ${f.admin} at weight ${f.weight}`);
      });
    },
  };
}
