/**
 * Adding and deleting servers of a running HAProxy (runtime API, HAProxy
 * 2.6): the exact command strings and how to read their answers. No I/O.
 */
import { assertHaproxyName, UnexpectedAnswerError } from './haproxy.ts';

/** A server's place in a backend: where HAProxy sends its traffic. */
export interface ServerAddress {
  server: string;
  address: string;
  port: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ref(backend: string, server: string): string {
  return `${assertHaproxyName('backend', backend)}/${assertHaproxyName('server', server)}`;
}

/** The address goes verbatim into the command line: only a dotted IPv4 address and a port 1..65535. */
export function assertServerAddress(address: string, port: number): string {
  if (!IPV4.test(address)) throw new Error(`invalid server address ${JSON.stringify(address)}: use a dotted IPv4 address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid server port ${port}: use 1..65535`);
  return `${address}:${port}`;
}

/**
 * `add server`: health-checked like the configured servers (the backend's
 * `option httpchk`). HAProxy adds it in maintenance with its check disabled,
 * so `enable health` and a `ready` follow.
 */
export function addServerCommand(backend: string, server: string, address: string, port: number, weight: number): string {
  if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new Error(`invalid HAProxy weight ${weight}: use an integer 1..256`);
  return `add server ${ref(backend, server)} ${assertServerAddress(address, port)} weight ${weight} check`;
}

export function enableHealthCommand(backend: string, server: string): string {
  return `enable health ${ref(backend, server)}`;
}

/** Refused by HAProxy unless the server is in maintenance with no connection left. */
export function deleteServerCommand(backend: string, server: string): string {
  return `del server ${ref(backend, server)}`;
}

/** How HAProxy answered an `add server`. */
export function addServerOutcome(answer: string): 'added' | 'exists' | 'refused' {
  if (/New server registered/.test(answer)) return 'added';
  if (/Already exists a server with the same name/.test(answer)) return 'exists';
  return 'refused';
}

/** How HAProxy answered a `del server`; `busy` (connections still attached) is worth another try. */
export function deleteServerOutcome(answer: string): 'deleted' | 'absent' | 'busy' | 'refused' {
  if (/Server deleted/.test(answer)) return 'deleted';
  if (/No such server/.test(answer)) return 'absent';
  // "Server still has connections attached to it", "Only servers in maintenance mode can be deleted."
  if (/connections attached|maintenance mode/i.test(answer)) return 'busy';
  return 'refused';
}

/** The address and port of every server in a `show servers state` answer (format version 1). */
export function parseServerAddresses(text: string): ServerAddress[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [version, header, ...rows] = lines;
  if (version?.trim() !== '1' || !header?.startsWith('# ')) throw new UnexpectedAnswerError('show servers state', text);
  const names = header.slice(2).trim().split(/\s+/);
  const [serverAt, addressAt, portAt] = ['srv_name', 'srv_addr', 'srv_port'].map((n) => names.indexOf(n));
  if (serverAt! < 0 || addressAt! < 0 || portAt! < 0) throw new UnexpectedAnswerError('show servers state', text);
  return rows.map((row) => {
    const fields = row.trim().split(/\s+/);
    const port = Number(fields[portAt!]);
    if (!fields[serverAt!] || !fields[addressAt!] || !Number.isInteger(port)) throw new UnexpectedAnswerError('show servers state', text);
    return { server: fields[serverAt!]!, address: fields[addressAt!]!, port };
  });
}

/** Cuts the sessions a server in maintenance still has: the last resort of a removal past its drain timeout. */
export function shutdownSessionsCommand(backend: string, server: string): string {
  return `shutdown sessions server ${ref(backend, server)}`;
}
