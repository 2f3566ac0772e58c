import type { DeployRequest } from './deploy-request.ts';
import type { DeploymentStatus, HostStatus, StepName } from './deployment.ts';
import type { LbFound } from './haproxy-weights.ts';
import type { Phase } from './plan.ts';
import type { Host } from './ports.ts';

/** Input of the `deploy` workflow: the validated request, nothing secret. */
export interface DeployWorkflowInput {
  deploymentId: string;
  request: DeployRequest;
  /** Set on a retry run: the previous run's host snapshot and results; only hosts not DONE run again. */
  retry?: RetryInput | undefined;
  /** Set on a rollback of a finished deploy: its DONE hosts go back to their kept previous release, nothing is downloaded. */
  rollbackOf?: RollbackInput | undefined;
  /** Set on a run that continues a deploy whose previous run's history was full (continue-as-new). */
  carried?: CarriedRun | undefined;
  /** Events after which a run hands over to a new one; tests lower it. @default HISTORY_EVENTS_PER_RUN */
  historyEventsPerRun?: number | undefined;
}

/** What operators change while a rollout runs (set by the deploy workflow's update handlers). */
export interface RolloutControl {
  paused: boolean;
  cancel: { rollback: boolean } | undefined;
  approved: boolean;
  /** Failed hosts an operator asked to run again, in order. */
  retryQueue: string[];
}

/**
 * A deploy's state when one run hands over to the next: the snapshot, every
 * result so far, the operators' controls and what is left to do (the
 * rollout's remaining phases or, once rolling back, the hosts still to go back).
 */
export interface CarriedRun {
  status: DeploymentStatus;
  hosts: Host[];
  loadBalancers: Host[];
  backend: string;
  results: HostResult[];
  round: number;
  rounds: [string, number][];
  foundBefore: [string, LbFound[]][];
  kept?: [string, { version: string; current: string | undefined }][] | undefined;
  control: RolloutControl;
  phases: Phase[];
  rollbackLeft?: string[] | undefined;
  /** How many runs came before this one. */
  runs: number;
}

/** One host of a rollback and the release it goes back to. */
export interface RollbackTarget {
  host: Host;
  version: string;
}

/** What a rollback run takes from the deploy it rolls back: its snapshot, not a new Chef search. */
export interface RollbackInput {
  deploymentId: string;
  targets: RollbackTarget[];
  loadBalancers: Host[];
  backend: string;
}

/** Input of the `checkKeptReleases` activity: the rollback's start check. */
export interface KeptReleasesInput extends RollbackInput {
  /** The rollback deployment, whose host snapshot is recorded; absent for the API's check before it accepts one. */
  rollbackId?: string | undefined;
  application: string;
}

/**
 * What a deploy's start checks found: the Chef search (with its resolved
 * targets), a retry's snapshot (with its backend) or a rollback's kept releases.
 */
export interface HostsFound {
  hosts: Host[];
  loadBalancers: Host[];
  targets?: { backend: string } | undefined;
  backend?: string | undefined;
  /** A rollback's: each host's release now. */
  current?: Record<string, string | undefined> | undefined;
}

/** Each host's release now: what a rollback host records as its previous version. */
export interface KeptReleases {
  hosts: Host[];
  loadBalancers: Host[];
  backend: string;
  current: Record<string, string | undefined>;
}

export interface RetryInput {
  hosts: Host[];
  loadBalancers: Host[];
  /** The backend the first run resolved; absent for runs before it was recorded (the request's then). */
  backend?: string | undefined;
  previous: HostResult[];
  round: number;
}

/**
 * What a status write means to a run of the deploy workflow, for the metrics:
 * `taken` marks the status that starts the run (its turn came), `never-taken`
 * the final status of a run that ended before its turn (cancelled while queued).
 */
export type StatusTurn = 'taken' | 'never-taken';

/** Input of the `setDeploymentStatus` activity. */
export interface DeploymentStatusInput {
  deploymentId: string;
  status: DeploymentStatus;
  error?: string | undefined;
  turn?: StatusTurn | undefined;
}

/** What one host's child workflow needs; the snapshot it was given is all it ever uses. */
export interface DeployHostInput {
  deploymentId: string;
  application: string;
  version: string;
  artifact: { url: string; sha256: string };
  host: Host;
  loadBalancers: Host[];
  backend: string;
  weight: number;
  degradationSeconds: number;
  healthCheck: { port: number; path: string; timeoutSeconds: number };
  /** 1 on the first pass over the host, +1 per retry. @default 1 */
  round?: number | undefined;
  /** Deploy to a host found in MAINT/DRAIN too, leaving its HAProxy state as found. @default false */
  includeHostsInMaintenance?: boolean | undefined;
  /**
   * A retried host's HAProxy state as found before its first round: the state
   * this deploy may have left it in (drained) is not an operator's maintenance.
   */
  lbFound?: LbFound[] | undefined;
  /**
   * A rollback of a finished deploy: `version` is already kept on the host, so
   * there is no stage (nothing downloaded); `previousVersion` is the release
   * current now, read by the rollback's start check.
   */
  keptRelease?: { previousVersion: string | undefined } | undefined;
}

/** Input of `rollbackHost`: put a DONE host back on the release it had before. */
export interface RollbackHostInput extends Omit<DeployHostInput, 'artifact' | 'weight' | 'degradationSeconds' | 'version' | 'lbFound' | 'keptRelease'> {
  /** The release the host is on now (the one being rolled back). */
  version: string;
  previousVersion: string;
  /** The HAProxy state found before the deploy: what the rollback restores. */
  lbFound?: LbFound[] | undefined;
}

export interface HostResult {
  name: string;
  /** SKIPPED: found in maintenance and left alone; never counts as a failure. */
  status: Extract<HostStatus, 'DONE' | 'FAILED' | 'ROLLED_BACK' | 'QUARANTINED' | 'SKIPPED'>;
  failedStep?: StepName | undefined;
  error?: string | undefined;
  /** The release the host was on before this deploy: what a later rollback returns to. */
  previousVersion?: string | undefined;
  /** The server's HAProxy state on every LB box before this deploy touched it. */
  lbFound?: LbFound[] | undefined;
  round?: number | undefined;
}

/** Common input of every host-step activity. */
export interface HostStepInput {
  deploymentId: string;
  application: string;
  host: Host;
  version: string;
  /** @default 1 */
  round?: number | undefined;
}

export interface DeployProgress {
  deploymentId: string;
  status: DeploymentStatus;
  hosts: { name: string; status: HostStatus; error?: string | undefined }[];
}

export interface DeployOutcome {
  status: Extract<DeploymentStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'>;
  hosts: HostResult[];
  error?: string | undefined;
  /** The host snapshot this run used, so that a retry run uses it again. */
  snapshot?: { hosts: Host[]; loadBalancers: Host[]; backend?: string | undefined } | undefined;
  round?: number | undefined;
  /** A rollback run's input, for its retry run. */
  rollbackOf?: RollbackInput | undefined;
}

/** What an operator's control (pause, resume, cancel, approve, retry) answers. */
export interface ControlAnswer {
  deploymentId: string;
  status: DeploymentStatus;
  message: string;
  /** Sent, not yet confirmed by the deploy (answered 202). */
  pending?: boolean | undefined;
}
