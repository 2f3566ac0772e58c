import { ErrorType, VesemirError } from '../../domain/errors.ts';
import {
  isRuntimeError,
  LoadBalancerError,
  parseServersState,
  parseStatSessions,
  setServerStateCommand,
  showServersStateCommand,
  showStatCommand,
} from '../../domain/haproxy.ts';
import {
  addServerCommand,
  addServerOutcome,
  assertServerAddress,
  deleteServerCommand,
  deleteServerOutcome,
  enableHealthCommand,
  parseServerAddresses,
  shutdownSessionsCommand,
} from '../../domain/haproxy-servers.ts';
import type { AddServerOptions, AddServerReport, Host, LbRuntime, LbServerState, RemoveServerReport } from '../../domain/ports.ts';
import { onEvery, sleep } from './each-box.ts';

/** After its sessions were cut, how long a removal tries `del server` again while HAProxy lets go of the connections. */
const LET_GO_MS = 3000;

/**
 * Adds servers to and deletes them from a running HAProxy's backend through
 * the runtime API, on every LB box, each change read back. What the runtime
 * API changes lasts until HAProxy reloads its configuration: the box's own
 * configuration management must converge to it (README, "Fleet changes").
 */
export class HaproxyServerMembership {
  constructor(
    private readonly runtime: LbRuntime,
    private readonly pollIntervalMs: number,
  ) {}

  async add(lbs: readonly Host[], backend: string, server: string, options: AddServerOptions): Promise<AddServerReport[]> {
    const command = addServerCommand(backend, server, options.address, options.port, options.weight);
    return await onEvery(lbs, async (lb) => {
      const answer = await this.send(lb, backend, server, command);
      const outcome = addServerOutcome(answer);
      if (outcome === 'refused') {
        // HAProxy refused the command itself (a static algorithm, no such backend): another try is refused alike.
        const refused = new LoadBalancerError(lb.name, backend, server, answer, 'add server refused');
        throw new VesemirError(refused.type, refused.message, { retryable: false, details: { lb: lb.name, backend, server } });
      }
      if (outcome === 'exists') await this.sameAddress(lb, backend, server, assertServerAddress(options.address, options.port));
      // A retry after a lost answer finds the server added but maybe not enabled yet: both commands are idempotent.
      await this.set(lb, backend, server, enableHealthCommand(backend, server));
      const admin = options.ready === false ? 'maint' : 'ready';
      if (admin === 'ready') await this.set(lb, backend, server, setServerStateCommand(backend, server, 'ready'));
      const state = await this.stateOf(lb, backend, server);
      if (state?.admin !== admin) {
        throw new LoadBalancerError(lb.name, backend, server, '', `expected admin state ${admin} after add server, read back ${state?.admin ?? 'no server'}`);
      }
      return { lb: lb.name, added: outcome === 'added' };
    });
  }

  /** maint → wait for the sessions to end (cut at the deadline) → `del server` → gone from `show servers state`. */
  async remove(lbs: readonly Host[], backend: string, server: string, options: { drainTimeoutMs: number }): Promise<RemoveServerReport[]> {
    const command = deleteServerCommand(backend, server);
    return await onEvery(lbs, async (lb) => {
      const started = Date.now();
      const state = await this.stateOf(lb, backend, server);
      if (!state) return { lb: lb.name, removed: false, sessionsCut: 0, waitedMs: 0 };
      if (state.admin !== 'maint') await this.set(lb, backend, server, setServerStateCommand(backend, server, 'maint'));
      const left = await this.waitForNoSessions(lb, backend, server, started + options.drainTimeoutMs);
      if (left > 0) await this.set(lb, backend, server, shutdownSessionsCommand(backend, server));
      const letGo = Date.now() + LET_GO_MS;
      for (;;) {
        const answer = await this.send(lb, backend, server, command);
        const outcome = deleteServerOutcome(answer);
        if (outcome === 'deleted' || outcome === 'absent') break;
        if (outcome === 'refused' || Date.now() >= letGo) {
          throw new LoadBalancerError(lb.name, backend, server, answer, 'del server refused; the server is left in maintenance');
        }
        await sleep(this.pollIntervalMs);
      }
      if (await this.stateOf(lb, backend, server)) {
        throw new LoadBalancerError(lb.name, backend, server, '', 'still in show servers state after del server; left in maintenance');
      }
      return { lb: lb.name, removed: true, sessionsCut: left, waitedMs: Date.now() - started };
    });
  }

  private async sameAddress(lb: Host, backend: string, server: string, wanted: string): Promise<void> {
    const answer = await this.send(lb, backend, server, showServersStateCommand(backend));
    const found = parseServerAddresses(answer).find((s) => s.server === server);
    const at = found ? `${found.address}:${found.port}` : 'an unknown address';
    if (at === wanted) return;
    throw new VesemirError(
      ErrorType.HaproxyServerConflict,
      `HAProxy on ${lb.name}, ${backend}/${server}: a server of that name is there already at ${at}, not ${wanted}`,
      {
        details: { lb: lb.name, backend, server, found: at, wanted },
      },
    );
  }

  private async waitForNoSessions(lb: Host, backend: string, server: string, deadline: number): Promise<number> {
    for (;;) {
      const answer = await this.send(lb, backend, server, showStatCommand(backend));
      const row = parseStatSessions(answer).find((s) => s.server === server);
      const left = row ? row.current + row.queued : 0;
      if (left === 0 || Date.now() >= deadline) return left;
      await sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - Date.now())));
    }
  }

  private async stateOf(lb: Host, backend: string, server: string): Promise<LbServerState | undefined> {
    const answer = await this.send(lb, backend, server, showServersStateCommand(backend));
    try {
      return parseServersState(answer).find((s) => s.server === server);
    } catch {
      throw new LoadBalancerError(lb.name, backend, server, answer, 'unexpected answer from the runtime API');
    }
  }

  private async set(lb: Host, backend: string, server: string, command: string): Promise<void> {
    const answer = await this.send(lb, backend, server, command);
    if (isRuntimeError(answer)) throw new LoadBalancerError(lb.name, backend, server, answer, `'${command}' failed`);
  }

  private async send(lb: Host, backend: string, server: string, command: string): Promise<string> {
    try {
      return await this.runtime.send(lb, command);
    } catch (error) {
      throw new LoadBalancerError(lb.name, backend, server, '', `'${command}' not delivered: ${(error as Error).message}`);
    }
  }
}
