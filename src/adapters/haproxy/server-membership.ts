import { ErrorType, VesemirError } from '../../domain/errors.ts';
import { setServerStateCommand, showServersStateCommand } from '../../domain/haproxy.ts';
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
import type { AddServerOptions, AddServerReport, Host, LbRuntime, RemoveServerReport } from '../../domain/ports.ts';
import { onEvery, sleep } from './each-box.ts';
import { ServerConversation } from './server-conversation.ts';

/** After its sessions were cut, how long a removal tries `del server` again while HAProxy lets go of the connections. */
const LET_GO_MS = 3000;

/**
 * Adds servers to and deletes them from a running HAProxy's backend through
 * the runtime API, on every LB box, each change read back. What the runtime
 * API changes lasts until HAProxy reloads its configuration: the box's own
 * configuration management must converge to it (README, CLI; docs/vms.md).
 */
export class HaproxyServerMembership {
  constructor(
    private readonly runtime: LbRuntime,
    private readonly pollIntervalMs: number,
  ) {}

  async add(lbs: readonly Host[], backend: string, server: string, options: AddServerOptions): Promise<AddServerReport[]> {
    const command = addServerCommand(backend, server, options.address, options.port, options.weight);
    return await onEvery(lbs, async (lb) => {
      const talk = new ServerConversation(this.runtime, lb, backend, server);
      const answer = await talk.send(command);
      const outcome = addServerOutcome(answer);
      if (outcome === 'refused') {
        // HAProxy refused the command itself (a static algorithm, no such backend): another try is refused alike.
        const refused = talk.fail(answer, 'add server refused');
        throw new VesemirError(refused.type, refused.message, { retryable: false, details: { lb: lb.name, backend, server } });
      }
      if (outcome === 'exists') await sameAddress(talk, assertServerAddress(options.address, options.port));
      // A retry after a lost answer finds the server added but maybe not enabled yet: both commands are idempotent.
      await talk.set(enableHealthCommand(backend, server));
      const admin = options.ready === false ? 'maint' : 'ready';
      if (admin === 'ready') await talk.set(setServerStateCommand(backend, server, 'ready'));
      const state = await talk.state();
      if (state?.admin !== admin) throw talk.fail('', `expected admin state ${admin} after add server, read back ${state?.admin ?? 'no server'}`);
      return { lb: lb.name, added: outcome === 'added' };
    });
  }

  /** maint → wait for the sessions to end (cut at the deadline) → `del server` → gone from `show servers state`. */
  async remove(lbs: readonly Host[], backend: string, server: string, options: { drainTimeoutMs: number }): Promise<RemoveServerReport[]> {
    const command = deleteServerCommand(backend, server);
    return await onEvery(lbs, async (lb) => {
      const talk = new ServerConversation(this.runtime, lb, backend, server);
      const started = Date.now();
      const state = await talk.state();
      if (!state) return { lb: lb.name, removed: false, sessionsCut: 0, waitedMs: 0 };
      if (state.admin !== 'maint') await talk.set(setServerStateCommand(backend, server, 'maint'));
      const left = await talk.waitForNoSessions(started + options.drainTimeoutMs, this.pollIntervalMs, 'none');
      if (left > 0) await talk.set(shutdownSessionsCommand(backend, server));
      const letGo = Date.now() + LET_GO_MS;
      for (;;) {
        const answer = await talk.send(command);
        const outcome = deleteServerOutcome(answer);
        if (outcome === 'deleted' || outcome === 'absent') break;
        if (outcome === 'refused' || Date.now() >= letGo) throw talk.fail(answer, 'del server refused; the server is left in maintenance');
        await sleep(this.pollIntervalMs);
      }
      if (await talk.state()) throw talk.fail('', 'still in show servers state after del server; left in maintenance');
      return { lb: lb.name, removed: true, sessionsCut: left, waitedMs: Date.now() - started };
    });
  }
}

/** `add server` answered that the name exists: fine when it is the same address (a retry), a conflict otherwise. */
async function sameAddress(talk: ServerConversation, wanted: string): Promise<void> {
  const answer = await talk.send(showServersStateCommand(talk.backend));
  const found = parseServerAddresses(answer).find((s) => s.server === talk.server);
  const at = found ? `${found.address}:${found.port}` : 'an unknown address';
  if (at === wanted) return;
  throw new VesemirError(
    ErrorType.HaproxyServerConflict,
    `HAProxy on ${talk.lb.name}, ${talk.backend}/${talk.server}: a server of that name is there already at ${at}, not ${wanted}`,
    { details: { lb: talk.lb.name, backend: talk.backend, server: talk.server, found: at, wanted } },
  );
}
