/**
 * The HAProxy runtime API as data: validated names, exact command strings and
 * parsers of the answers. No I/O here; adapters send what these functions build.
 */
import { ErrorType, VesemirError } from './errors.ts';
import type { LbServerState } from './ports.ts';

export type ServerAdminState = LbServerState['admin'];

/**
 * Names go verbatim into runtime-API lines (and, over SSH, into socat's stdin),
 * where a space, `;` or newline would start another command: only a safe
 * alphabet is accepted.
 */
const HAPROXY_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export class InvalidHaproxyNameError extends VesemirError {
  constructor(
    readonly kind: 'backend' | 'server',
    readonly value: string,
  ) {
    super(ErrorType.InvalidHaproxyName, `invalid HAProxy ${kind} name ${JSON.stringify(value)}: use 1..64 of [A-Za-z0-9._-]`);
    this.name = 'InvalidHaproxyNameError';
  }
}

export function assertHaproxyName(kind: 'backend' | 'server', value: string): string {
  if (!HAPROXY_NAME.test(value)) throw new InvalidHaproxyNameError(kind, value);
  return value;
}

function serverRef(backend: string, server: string): string {
  return `${assertHaproxyName('backend', backend)}/${assertHaproxyName('server', server)}`;
}

export function setServerStateCommand(backend: string, server: string, state: ServerAdminState): string {
  if (state !== 'ready' && state !== 'drain' && state !== 'maint') {
    throw new Error(`invalid HAProxy server state ${JSON.stringify(state)}`);
  }
  return `set server ${serverRef(backend, server)} state ${state}`;
}

/** Weight as a percentage of the server's configured (initial) weight. */
export function assertWeightPercent(percent: number): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new Error(`invalid weight percent ${percent}: use an integer 0..100`);
  }
  return percent;
}

export function setWeightCommand(backend: string, server: string, percent: number): string {
  return `set weight ${serverRef(backend, server)} ${assertWeightPercent(percent)}%`;
}

/** An absolute weight: what is sent is exactly what `show servers state` reads back. */
export function setAbsoluteWeightCommand(backend: string, server: string, weight: number): string {
  if (!Number.isInteger(weight) || weight < 0 || weight > 256) {
    throw new Error(`invalid HAProxy weight ${weight}: use an integer 0..256`);
  }
  return `set weight ${serverRef(backend, server)} ${weight}`;
}

export function showServersStateCommand(backend: string): string {
  return `show servers state ${assertHaproxyName('backend', backend)}`;
}

/** `show stat`, or only the server rows (type 4, any id) of one backend. */
export function showStatCommand(backend?: string): string {
  return backend === undefined ? 'show stat' : `show stat ${assertHaproxyName('backend', backend)} 4 -1`;
}

/** Success of a `set …` command is an empty answer; any text (`No such server.`) is an error. */
export function isRuntimeError(answer: string): boolean {
  return answer.trim() !== '';
}

/** An answer that is not the expected table: usually an error line such as `Can't find backend.` */
export class UnexpectedAnswerError extends VesemirError {
  constructor(
    readonly command: string,
    readonly answer: string,
  ) {
    super(ErrorType.UnexpectedHaproxyAnswer, `unexpected answer to '${command}': ${answer.trim() || '(empty)'}`);
    this.name = 'UnexpectedAnswerError';
  }
}

// srv_admin_state bits (HAProxy 2.6 include/haproxy/server-t.h). 0x40 only
// records an FQDN change and says nothing about traffic.
const ADMIN_MAINT_MASK = 0x01 | 0x02 | 0x04 | 0x20; // FMAINT IMAINT CMAINT RMAINT
const ADMIN_DRAIN_MASK = 0x08 | 0x10; // FDRAIN IDRAIN

export function adminStateFromBits(bits: number): ServerAdminState {
  if (bits & ADMIN_MAINT_MASK) return 'maint';
  if (bits & ADMIN_DRAIN_MASK) return 'drain';
  return 'ready';
}

const OPERATIONAL_STATES = ['DOWN', 'STARTING', 'UP', 'STOPPING'] as const;

export function operationalStateFromCode(code: number): string {
  return OPERATIONAL_STATES[code] ?? `UNKNOWN(${code})`;
}

/** Parses `show servers state [backend]` (format version 1), columns found by header name. */
export function parseServersState(text: string): LbServerState[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [version, header, ...rows] = lines;
  if (version?.trim() !== '1' || !header?.startsWith('# ')) {
    throw new UnexpectedAnswerError('show servers state', text);
  }
  const column = columnFinder(header.slice(2).trim().split(/\s+/), 'show servers state', text);
  const backendAt = column('be_name');
  const serverAt = column('srv_name');
  const opAt = column('srv_op_state');
  const adminAt = column('srv_admin_state');
  const weightAt = column('srv_uweight');
  const initialAt = column('srv_iweight');
  return rows.map((row) => {
    const fields = row.trim().split(/\s+/);
    const field = (at: number): string => {
      const value = fields[at];
      if (value === undefined) throw new UnexpectedAnswerError('show servers state', text);
      return value;
    };
    return {
      backend: field(backendAt),
      server: field(serverAt),
      admin: adminStateFromBits(integer(field(adminAt), text)),
      operational: operationalStateFromCode(integer(field(opAt), text)),
      weight: integer(field(weightAt), text),
      initialWeight: integer(field(initialAt), text),
    };
  });
}

export interface ServerSessions {
  backend: string;
  server: string;
  /** scur: sessions the server is handling now. */
  current: number;
  /** qcur: requests queued for this very server. */
  queued: number;
  /** The stats `status` column: UP, DOWN, DRAIN, MAINT, `UP 1/2`, … */
  status: string;
}

/** Parses the `show stat` CSV into per-server session counts (FRONTEND/BACKEND rows left out). */
export function parseStatSessions(text: string): ServerSessions[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [header, ...rows] = lines;
  if (!header?.startsWith('# ')) throw new UnexpectedAnswerError('show stat', text);
  const column = columnFinder(header.slice(2).split(','), 'show stat', text);
  const proxyAt = column('pxname');
  const serverAt = column('svname');
  const currentAt = column('scur');
  const queuedAt = column('qcur');
  const statusAt = column('status');
  return rows
    .map((row) => row.split(','))
    .filter((fields) => fields[serverAt] !== 'FRONTEND' && fields[serverAt] !== 'BACKEND')
    .map((fields) => ({
      backend: fields[proxyAt] ?? '',
      server: fields[serverAt] ?? '',
      current: integer(fields[currentAt] || '0', text),
      queued: integer(fields[queuedAt] || '0', text),
      status: fields[statusAt] ?? '',
    }));
}

function columnFinder(names: string[], command: string, text: string): (name: string) => number {
  return (name) => {
    const at = names.indexOf(name);
    if (at < 0) throw new UnexpectedAnswerError(command, text);
    return at;
  };
}

function integer(value: string, text: string): number {
  if (!/^-?\d+$/.test(value)) throw new UnexpectedAnswerError('parse', text);
  return Number(value);
}

/** Any failed or unverified change on one LB box; names the box, the server and HAProxy's answer. */
export class LoadBalancerError extends VesemirError {
  constructor(
    readonly lb: string,
    readonly backend: string,
    readonly server: string,
    readonly answer: string,
    what: string,
  ) {
    super(ErrorType.LoadBalancerError, `HAProxy on ${lb}, ${backend}/${server}: ${what}${answer.trim() ? ` (HAProxy said: ${answer.trim()})` : ''}`);
    this.name = 'LoadBalancerError';
  }
}
