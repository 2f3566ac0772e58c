import type { DeployRequestInput } from '../../src/domain/deploy-request.ts';
import type { ExecResult } from '../../src/domain/ports.ts';
import type { ArtifactServer, ReleaseBehaviour } from './artifacts.ts';
import type { Goiardi } from './goiardi.ts';
import type { RunningHaproxy } from './haproxy.ts';
import type { LbBox } from './lb-box.ts';
import type { SecondApp } from './second-app.ts';
import type { FakeVm } from './vm.ts';

/** What startFleet (fleet.ts) takes and gives. */
export interface FleetOptions {
  /** @default 4 */
  vms?: number;
  /** @default 1 */
  lbBoxes?: number;
  /** @default 'shop' */
  app?: string;
  /** @default 'payments' */
  team?: string;
  /** @default 'production' */
  environment?: string;
  /**
   * A second application of another team in the same world: its VMs in the
   * same goiardi, its backend on the same HAProxy, its own LB node name and tag
   * for the same LB boxes, and its entry in the applications file.
   */
  secondApp?: { name: string; team: string; vms: number };
  /** Every server's configured HAProxy weight (1 is HAProxy's default). @default 100 */
  serverWeight?: number;
  /** How long each VM's app answers /health with 503 after a (re)start. @default 0 */
  appStartupMs?: number;
  /**
   * Where the deployer reaches a VM or LB box of the first application instead of its own
   * address (a proxy in front of `ports`): Chef registers that address, and known_hosts
   * pins the box's key under it as well. @default the box's own address
   */
  reachVia?: (box: { name: string; address: string; ports: number[] }) => Promise<string>;
}

export interface AddVmOptions {
  /** What its /etc/os-release says. @default DEFAULT_OS_VERSION */
  osVersion?: string;
  /** Add it to every HAProxy backend at once, ready. @default true */
  inBackend?: boolean;
}

export interface Fleet {
  dir: string;
  chef: Goiardi;
  vms: FakeVm[];
  lbBoxes: LbBox[];
  haproxies: RunningHaproxy[];
  artifacts: ArtifactServer;
  app: { name: string; team: string; environment: string; port: number; backend: string; vmTag: string; lbTag: string };
  secondApp?: SecondApp | undefined;
  /** The address Chef gives the deployer for a VM or LB box (see FleetOptions.reachVia). */
  deployerAddress(name: string): string;
  /** Vesemir's configuration for this fleet, as environment variables. */
  env: Record<string, string>;
  /** Builds a release and serves it: what a deploy request names. */
  release(version: string, behaviour?: ReleaseBehaviour): Promise<{ url: string; sha256: string }>;
  /**
   * Boots one more VM, pins its host key in known_hosts and adds it to every
   * HAProxy backend (dynamic server, ready) — what a provisioning job does.
   * Chef registration is the caller's (the Proctor runner's) business.
   */
  addVm(name: string, options?: AddVmOptions): Promise<FakeVm>;
  /**
   * Stops a VM as a decommission job would: its app and sshd end, its
   * servers stay in HAProxy (removing them is Vesemir's business). Stopping
   * one already stopped, or unknown, does nothing; answers whether it ran.
   */
  stopVm(name: string): Promise<boolean>;
  /**
   * Vesemir's Chef settings for a client that may also delete nodes and
   * clients, as decommissioning needs (goiardi knows no finer right than
   * admin); `env` keeps the search-only one. Made once per fleet.
   */
  retirerEnv(): Promise<Record<string, string>>;
  /** Runs argv on a VM or LB box over SSH (pinned keys), as the deployer would. */
  exec(hostName: string, argv: string[]): Promise<ExecResult>;
  /** A valid deploy body for this fleet. */
  deployRequest(version: string, artifact: { url: string; sha256: string }, overrides?: Partial<DeployRequestInput>): DeployRequestInput;
  stop(): Promise<void>;
}
