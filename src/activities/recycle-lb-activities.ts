import type { Application } from '../domain/applications.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { LoadBalancerError } from '../domain/haproxy.ts';
import type { Host } from '../domain/ports.ts';
import { lbBoxesOf } from './chef-nodes.ts';
import type { ActivityDeps } from './deps.ts';
import { mapFailures } from './failures.ts';
import { whileHeartbeating } from './heartbeat.ts';
import { application } from './host-activities.ts';

export interface ServeInput {
  application: string;
  environment: string;
  /** The new VM: its server name and address. */
  host: Host;
  /** The old VMs it replaces: where they are servers (backend, box, configured weight) is where it goes. */
  replaces: string[];
  /** Where the new VM serves: the release's health-check port (the port its deploy checks it on). */
  port: number;
  /** `enable`: added (if absent) and ready at `percent`% of the replaced server's configured weight; `full`: 100%. */
  step: 'enable' | 'full';
  percent: number;
}

/** One backend on one box where a replaced VM is a server, and how that server is configured. */
interface Place {
  backend: string;
  lb: Host;
  weight: number;
}

/**
 * A recycle's HAProxy side: a healthy new VM joins every backend, on every
 * LB box, where the VMs it replaces are servers, with their configured
 * weight, through the runtime API (`add server` in maintenance,
 * `enable health`, then the deploy's weighted enable). Its removal is the
 * decommission's (drain, `del server`).
 */
export function createRecycleLbActivities(deps: ActivityDeps) {
  const boxesOf = (app: Application, environment: string): Promise<Host[]> => lbBoxesOf(deps.chef, deps.allowedNetworks, app, environment);

  const placesOf = async (app: Application, lbs: Host[], replaces: string[]): Promise<Place[]> => {
    const places: Place[] = [];
    for (const backend of app.haproxy.backends) {
      for (const lb of lbs) {
        const states = await serversOrNone(deps, lb, backend);
        const old = states.find((s) => replaces.includes(s.server));
        if (old) places.push({ backend, lb, weight: old.initialWeight });
      }
    }
    return places;
  };

  return {
    /**
     * The new VM serving at `percent`% (added first if absent). A VM whose
     * replaced servers are in no backend is an error: it would serve nowhere.
     */
    async serveRecycledVm(input: ServeInput): Promise<{ places: string[] }> {
      return mapFailures(() =>
        whileHeartbeating(async () => {
          const app = application(deps, input.application);
          const lbs = await boxesOf(app, input.environment);
          const places = await placesOf(app, lbs, [...input.replaces, input.host.name]);
          if (places.length === 0) {
            throw new VesemirError(
              ErrorType.NothingToRecycle,
              `none of ${input.replaces.join(', ')} is a server of ${app.haproxy.backends.join(', ')}: ${input.host.name} would serve nowhere`,
            );
          }
          for (const place of places) {
            const options = { address: input.host.address, port: input.port, weight: Math.max(1, Math.min(256, place.weight)), ready: false };
            // A retry finds it added: `add server` then only re-enables its check, and the enable is the same.
            if (input.step === 'enable') await deps.loadBalancer.addServer([place.lb], place.backend, input.host.name, options);
            await deps.loadBalancer.enable([place.lb], place.backend, input.host.name, { percent: input.step === 'full' ? 100 : input.percent });
          }
          return { places: places.map((p) => `${p.backend}@${p.lb.name}`) };
        }),
      );
    },
  };
}

/** Servers of `backend` on one box; a box without the backend has none. */
async function serversOrNone(deps: ActivityDeps, lb: Host, backend: string) {
  try {
    return await deps.loadBalancer.serverStates(lb, backend);
  } catch (err) {
    if (err instanceof LoadBalancerError && /Can't find backend/i.test(err.answer)) return [];
    throw err;
  }
}

export type RecycleLbActivities = ReturnType<typeof createRecycleLbActivities>;
