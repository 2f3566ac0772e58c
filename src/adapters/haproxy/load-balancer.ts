import { assertHaproxyName, setAbsoluteWeightCommand, setServerStateCommand } from '../../domain/haproxy.ts';
import { assertEnablePercent, enableWeight, type LbFound } from '../../domain/haproxy-weights.ts';
import type { AddServerOptions, AddServerReport, EnableReport, Host, LbRuntime, LbServerState, RemoveServerReport } from '../../domain/ports.ts';
import { onEvery } from './each-box.ts';
import { ServerConversation } from './server-conversation.ts';
import { HaproxyServerMembership } from './server-membership.ts';

export { LoadBalancerError } from '../../domain/haproxy.ts';

export interface DrainOptions {
  /**
   * How long to wait for the server's current sessions to end before it is
   * put in maintenance anyway (the remaining sessions are then cut).
   */
  drainTimeoutMs: number;
}

/** What one LB box reported while draining. */
export interface DrainResult {
  lb: string;
  /** Sessions still open when the server went to maintenance (0 = clean drain). */
  sessionsLeft: number;
  waitedMs: number;
}

export interface HaproxyLoadBalancerOptions {
  /** Pause between two `show stat` polls while draining. @default 100 */
  pollIntervalMs?: number;
}

/**
 * Takes one server out of / back into a backend on every LB box, and reads
 * each change back from HAProxy before calling it done.
 */
export class HaproxyLoadBalancer {
  private readonly pollIntervalMs: number;
  private readonly membership: HaproxyServerMembership;

  constructor(
    private readonly runtime: LbRuntime,
    options: HaproxyLoadBalancerOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.membership = new HaproxyServerMembership(runtime, this.pollIntervalMs);
  }

  /** `add server` + `enable health` + `ready` on every box (see HaproxyServerMembership). */
  async addServer(lbs: readonly Host[], backend: string, server: string, options: AddServerOptions): Promise<AddServerReport[]> {
    return await this.membership.add(lbs, backend, server, options);
  }

  /** maint → sessions ended → `del server` on every box; a server already gone is fine. */
  async removeServer(lbs: readonly Host[], backend: string, server: string, options: { drainTimeoutMs: number }): Promise<RemoveServerReport[]> {
    return await this.membership.remove(lbs, backend, server, options);
  }

  /** drain → wait for sessions to end (bounded) → maint → verify, on every LB box in parallel. */
  async drain(lbs: readonly Host[], backend: string, server: string, options: DrainOptions): Promise<DrainResult[]> {
    validate(backend, server);
    return await onEvery(lbs, (lb) => this.drainOne(this.talk(lb, backend, server), options));
  }

  /** The server's admin state and weights on every LB box, as found; changes nothing. */
  async inspect(lbs: readonly Host[], backend: string, server: string): Promise<LbFound[]> {
    validate(backend, server);
    return await onEvery(lbs, async (lb) => {
      const { admin, weight, initialWeight } = await this.stateOf(this.talk(lb, backend, server));
      return { lb: lb.name, admin, weight, initialWeight };
    });
  }

  /**
   * Sets the absolute weight (`percent`% of the weight found before the
   * deploy, never 0), then `ready`, then verifies both, on every LB box in
   * parallel. The weight goes first so that a server leaving maintenance never
   * takes a full share for a moment. Call it only after the app is healthy:
   * HAProxy marks a server UP as soon as it is `ready`, before any check.
   */
  async enable(
    lbs: readonly Host[],
    backend: string,
    server: string,
    options: { percent: number; found?: readonly LbFound[] | undefined },
  ): Promise<EnableReport[]> {
    validate(backend, server);
    assertEnablePercent(options.percent);
    return await onEvery(lbs, async (lb) => {
      // Without a recorded state (a server never inspected) the configured weight is the full one.
      const talk = this.talk(lb, backend, server);
      const found = options.found?.find((f) => f.lb === lb.name) ?? { ...(await this.stateOf(talk)), weight: 0 };
      const planned = enableWeight(found, options.percent);
      await this.setAndVerify(talk, 'ready', planned.weight);
      return { lb: lb.name, ...planned };
    });
  }

  /** Puts back the admin state and weight found before the deploy, on every box (weight first). */
  async restore(lbs: readonly Host[], backend: string, server: string, found: readonly LbFound[]): Promise<void> {
    validate(backend, server);
    await onEvery(lbs, async (lb) => {
      const was = found.find((f) => f.lb === lb.name);
      const talk = this.talk(lb, backend, server);
      if (!was) throw talk.fail('', 'no recorded state to restore on this box');
      await this.setAndVerify(talk, was.admin, was.weight);
    });
  }

  async serverStates(lb: Host, backend: string): Promise<LbServerState[]> {
    assertHaproxyName('backend', backend);
    return await this.talk(lb, backend, '*').states();
  }

  private talk(lb: Host, backend: string, server: string): ServerConversation {
    return new ServerConversation(this.runtime, lb, backend, server);
  }

  private async drainOne(talk: ServerConversation, options: DrainOptions): Promise<DrainResult> {
    const { backend, server } = talk;
    const started = Date.now();
    // A retried activity finds the server already in maintenance: going
    // through drain again would briefly lift the maintenance.
    if ((await this.stateOf(talk)).admin === 'maint') return { lb: talk.lb.name, sessionsLeft: 0, waitedMs: 0 };
    await talk.set(setServerStateCommand(backend, server, 'drain'));
    const sessionsLeft = await talk.waitForNoSessions(started + options.drainTimeoutMs, this.pollIntervalMs, 'error');
    const waitedMs = Date.now() - started;
    await talk.set(setServerStateCommand(backend, server, 'maint'));
    const state = await this.stateOf(talk);
    if (state.admin !== 'maint') throw talk.fail('', `expected admin state maint after drain, read back ${state.admin}`);
    return { lb: talk.lb.name, sessionsLeft, waitedMs };
  }

  private async setAndVerify(talk: ServerConversation, admin: LbServerState['admin'], weight: number): Promise<void> {
    await talk.set(setAbsoluteWeightCommand(talk.backend, talk.server, weight));
    await talk.set(setServerStateCommand(talk.backend, talk.server, admin));
    const state = await this.stateOf(talk);
    if (state.admin !== admin || state.weight !== weight) {
      throw talk.fail('', `expected admin ${admin} with weight ${weight}, read back ${state.admin} with weight ${state.weight}`);
    }
  }

  private async stateOf(talk: ServerConversation): Promise<LbServerState> {
    const state = await talk.state();
    if (!state) throw talk.fail('', 'no such server in show servers state');
    return state;
  }
}

function validate(backend: string, server: string): void {
  assertHaproxyName('backend', backend);
  assertHaproxyName('server', server);
}
