import {
  assertHaproxyName,
  isRuntimeError,
  LoadBalancerError,
  parseServersState,
  parseStatSessions,
  setAbsoluteWeightCommand,
  setServerStateCommand,
  showServersStateCommand,
  showStatCommand,
} from '../../domain/haproxy.ts';
import { assertEnablePercent, enableWeight, type LbFound } from '../../domain/haproxy-weights.ts';
import type { AddServerOptions, AddServerReport, EnableReport, Host, LbRuntime, LbServerState, RemoveServerReport } from '../../domain/ports.ts';
import { onEvery, sleep } from './each-box.ts';
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
    return await onEvery(lbs, (lb) => this.drainOne(lb, backend, server, options));
  }

  /** The server's admin state and weights on every LB box, as found; changes nothing. */
  async inspect(lbs: readonly Host[], backend: string, server: string): Promise<LbFound[]> {
    validate(backend, server);
    return await onEvery(lbs, async (lb) => {
      const { admin, weight, initialWeight } = await this.stateOf(lb, backend, server);
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
      const found = options.found?.find((f) => f.lb === lb.name) ?? { ...(await this.stateOf(lb, backend, server)), weight: 0 };
      const planned = enableWeight(found, options.percent);
      await this.setAndVerify(lb, backend, server, 'ready', planned.weight);
      return { lb: lb.name, ...planned };
    });
  }

  /** Puts back the admin state and weight found before the deploy, on every box (weight first). */
  async restore(lbs: readonly Host[], backend: string, server: string, found: readonly LbFound[]): Promise<void> {
    validate(backend, server);
    await onEvery(lbs, async (lb) => {
      const was = found.find((f) => f.lb === lb.name);
      if (!was) throw new LoadBalancerError(lb.name, backend, server, '', 'no recorded state to restore on this box');
      await this.setAndVerify(lb, backend, server, was.admin, was.weight);
    });
  }

  async serverStates(lb: Host, backend: string): Promise<LbServerState[]> {
    assertHaproxyName('backend', backend);
    return await this.readStates(lb, backend, '*');
  }

  private async drainOne(lb: Host, backend: string, server: string, options: DrainOptions): Promise<DrainResult> {
    const started = Date.now();
    // A retried activity finds the server already in maintenance: going
    // through drain again would briefly lift the maintenance.
    if ((await this.stateOf(lb, backend, server)).admin === 'maint') {
      return { lb: lb.name, sessionsLeft: 0, waitedMs: 0 };
    }
    await this.set(lb, backend, server, setServerStateCommand(backend, server, 'drain'));
    const sessionsLeft = await this.waitForNoSessions(lb, backend, server, started + options.drainTimeoutMs);
    const waitedMs = Date.now() - started;
    await this.set(lb, backend, server, setServerStateCommand(backend, server, 'maint'));
    const state = await this.stateOf(lb, backend, server);
    if (state.admin !== 'maint') {
      throw new LoadBalancerError(lb.name, backend, server, '', `expected admin state maint after drain, read back ${state.admin}`);
    }
    return { lb: lb.name, sessionsLeft, waitedMs };
  }

  private async setAndVerify(lb: Host, backend: string, server: string, admin: LbServerState['admin'], weight: number): Promise<void> {
    await this.set(lb, backend, server, setAbsoluteWeightCommand(backend, server, weight));
    await this.set(lb, backend, server, setServerStateCommand(backend, server, admin));
    const state = await this.stateOf(lb, backend, server);
    if (state.admin !== admin || state.weight !== weight) {
      throw new LoadBalancerError(
        lb.name,
        backend,
        server,
        '',
        `expected admin ${admin} with weight ${weight}, read back ${state.admin} with weight ${state.weight}`,
      );
    }
  }

  /** Polls `show stat` until scur and qcur are 0 or the deadline passes; returns what is left. */
  private async waitForNoSessions(lb: Host, backend: string, server: string, deadline: number): Promise<number> {
    for (;;) {
      const answer = await this.send(lb, backend, server, showStatCommand(backend));
      const row = parse(lb, backend, server, answer, parseStatSessions).find((s) => s.server === server);
      if (!row) throw new LoadBalancerError(lb.name, backend, server, answer, 'server missing from show stat');
      const left = row.current + row.queued;
      if (left === 0 || Date.now() >= deadline) return left;
      await sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - Date.now())));
    }
  }

  private async stateOf(lb: Host, backend: string, server: string): Promise<LbServerState> {
    const state = (await this.readStates(lb, backend, server)).find((s) => s.server === server);
    if (!state) throw new LoadBalancerError(lb.name, backend, server, '', 'no such server in show servers state');
    return state;
  }

  private async readStates(lb: Host, backend: string, server: string): Promise<LbServerState[]> {
    const answer = await this.send(lb, backend, server, showServersStateCommand(backend));
    return parse(lb, backend, server, answer, parseServersState);
  }

  /** Sends a `set …` command; any answer text is HAProxy refusing it. */
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

function validate(backend: string, server: string): void {
  assertHaproxyName('backend', backend);
  assertHaproxyName('server', server);
}

function parse<T>(lb: Host, backend: string, server: string, answer: string, parser: (text: string) => T): T {
  try {
    return parser(answer);
  } catch {
    // the answer is usually an error line (`Can't find backend.`); the error carries it
    throw new LoadBalancerError(lb.name, backend, server, answer, 'unexpected answer from the runtime API');
  }
}
