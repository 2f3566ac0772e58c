/**
 * The ports: every piece of I/O the activities need, as small interfaces.
 * Adapters in src/adapters implement them against the real world; unit tests
 * use hand-written fakes.
 */
import type { LbFound, PlannedWeight } from './haproxy-weights.ts';

/** A machine found through Chef: a VM to deploy to or an HAProxy box. */
export interface Host {
  /** Chef node name; also the HAProxy server name in the backend. */
  name: string;
  /** IP address (Chef `ipaddress`). */
  address: string;
}

export interface ChefClient {
  /**
   * Runs one signed partial search on `/search/node` and returns the nodes
   * sorted by name (Chef returns them unsorted).
   */
  searchNodes(query: string): Promise<Host[]>;
  /**
   * Deregisters a retired machine: deletes its node and its API client (the
   * one its chef-client ran as, named like the node). Either already gone is
   * fine; says which of the two were still there.
   */
  deleteNode(name: string): Promise<NodeDeletion>;
}

export interface NodeDeletion {
  node: 'deleted' | 'absent';
  client: 'deleted' | 'absent';
}

/** Result of one command run on a remote host. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ExecOptions {
  /** Fails the exec (and closes the channel) after this long. */
  timeoutMs?: number;
  stdin?: string | Buffer;
}

/** One SSH connection to one host; reused for the commands of one activity. */
export interface RemoteSession {
  /** Runs argv (each element shell-quoted by the adapter); never throws on a non-zero exit. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Uploads bytes over SFTP to an absolute path on the host. */
  upload(data: Buffer, remotePath: string, mode?: number): Promise<void>;
  /** Starts argv and leaves its stdin open: a conversation with a long-lived command. */
  spawn(argv: readonly string[]): Promise<RemoteProcess>;
  close(): Promise<void>;
  /** False once the connection is gone; pools use it to drop dead connections. */
  isOpen?(): boolean;
}

/** A remote command left running with its stdin open (HAProxy's interactive CLI through socat). */
export interface RemoteProcess {
  write(text: string): void;
  /** Every stdout chunk as it arrives. */
  onOutput(listener: (chunk: string) => void): void;
  /** Once, when the command exits or its channel or connection goes away; says how (exit status, stderr tail). */
  onEnd(listener: (reason: string) => void): void;
  /** Ends stdin and closes the channel. */
  close(): void;
}

export interface RemoteHosts {
  /** Opens an SSH session; refuses a host whose key does not match the pinned one. */
  connect(host: Host): Promise<RemoteSession>;
}

/** One server's state as HAProxy reports it on one LB box. */
export interface LbServerState {
  backend: string;
  server: string;
  /** 'ready' | 'drain' | 'maint' as seen from admin and operational state. */
  admin: 'ready' | 'drain' | 'maint';
  /** Operational state: UP, DOWN, … */
  operational: string;
  weight: number;
  initialWeight: number;
}

/** The HAProxy runtime API of one LB box (over TCP or SSH+socat). */
export interface LbRuntime {
  /** Sends one runtime-API command line and returns the raw answer. */
  send(lb: Host, command: string): Promise<string>;
}

export interface HealthProbe {
  /** One HTTP GET; resolves with status and body, rejects on network errors. */
  get(url: string, timeoutMs: number): Promise<{ status: number; body: string }>;
}

/** Drain / enable one server on every HAProxy box, each change read back. */
export interface DrainReport {
  lb: string;
  /** Sessions still open when the server went to maintenance (0 = a clean drain). */
  sessionsLeft: number;
  waitedMs: number;
}

/** What one LB box did on an enable: the absolute weight set and read back. */
export interface EnableReport extends PlannedWeight {
  lb: string;
}

export interface LoadBalancer {
  /** The server's admin state and weights on every box, changing nothing. */
  inspect(lbs: Host[], backend: string, server: string): Promise<LbFound[]>;
  drain(lbs: Host[], backend: string, server: string, options: { drainTimeoutMs: number }): Promise<DrainReport[]>;
  /**
   * Ready at `percent`% of the weight found before the deploy (`found`, per box;
   * without it, of the configured weight), never at weight 0.
   */
  enable(lbs: Host[], backend: string, server: string, options: { percent: number; found?: LbFound[] | undefined }): Promise<EnableReport[]>;
  /** Puts back exactly the admin state and weight found before the deploy. */
  restore(lbs: Host[], backend: string, server: string, found: LbFound[]): Promise<void>;
  /** Every server of `backend` on one box, as `show servers state` lists them (a dry run's one read per box). */
  serverStates(lb: Host, backend: string): Promise<LbServerState[]>;
  /**
   * Adds a server to `backend` on every box at runtime (`add server`, health
   * checked), then `enable health` and, unless `ready: false`, `ready`. A
   * server of that name already there at the same address is no second
   * server (a retry finishes enabling it); at another address it is refused.
   */
  addServer(lbs: Host[], backend: string, server: string, options: AddServerOptions): Promise<AddServerReport[]>;
  /**
   * Takes a server out of `backend` on every box: maint, wait for its
   * sessions to end (cut at `drainTimeoutMs`), `del server`. Absent is done.
   */
  removeServer(lbs: Host[], backend: string, server: string, options: { drainTimeoutMs: number }): Promise<RemoveServerReport[]>;
}

export interface AddServerOptions {
  /** Dotted IPv4 address of the server. */
  address: string;
  port: number;
  /** Its configured (initial) weight, 1..256. */
  weight: number;
  /**
   * Ready at once; `false` leaves it in maintenance for a later weighted
   * enable (HAProxy marks a ready server UP before any check passes).
   * @default true
   */
  ready?: boolean;
}

export interface AddServerReport {
  lb: string;
  /** False: it was there already at the same address. */
  added: boolean;
}

export interface RemoveServerReport {
  lb: string;
  /** False: it was not in the backend. */
  removed: boolean;
  /** Sessions cut because they outlasted the drain timeout. */
  sessionsCut: number;
  waitedMs: number;
}

/** Release artifacts, fetched once per worker and verified by sha256. */
export interface ArtifactSource {
  /** Resolves with the bytes whose sha256 is `sha256`, or rejects with ArtifactChecksumMismatch. */
  get(url: string, sha256: string): Promise<Buffer>;
}
