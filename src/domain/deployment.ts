/** The vocabulary of a deployment as stored, queried and returned by the API. */

/** PROVISIONING: creating the application's declared fleet before deploying to it (docs/vms.md). */
export const DEPLOYMENT_STATUSES = ['QUEUED', 'PROVISIONING', 'RUNNING', 'PAUSED', 'WAITING_APPROVAL', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const TERMINAL_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const HOST_STATUSES = ['PENDING', 'RUNNING', 'DONE', 'FAILED', 'ROLLED_BACK', 'QUARANTINED', 'SKIPPED'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

/**
 * The steps of one host, in order. `inspect` records the server's HAProxy
 * state as found, before anything changes. `stage` uploads and unpacks the release
 * before the drain so that the host is out of the pool only for
 * activate → restart → health.
 */
export const HOST_STEPS = ['inspect', 'stage', 'drain', 'activate', 'restart', 'health', 'enable', 'bake', 'full'] as const;
/** Steps that only run when a host is rolled back. */
export const ROLLBACK_STEPS = ['rollback-drain', 'rollback-activate', 'rollback-restart', 'rollback-health', 'rollback-enable'] as const;
export type StepName = (typeof HOST_STEPS)[number] | (typeof ROLLBACK_STEPS)[number];

/** The step that made a host fail: its first failed deploy step, else a failed rollback step. */
export function failingStep<S extends { name: string; status: string }>(steps: readonly S[]): S | undefined {
  const failed = steps.filter((s) => s.status === 'FAILED');
  return failed.find((s) => !(ROLLBACK_STEPS as readonly string[]).includes(s.name)) ?? failed[0];
}

export type StepStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** One attempt of one step on one host, as activities record it. */
export interface StepRecord {
  deploymentId: string;
  host: string;
  step: StepName;
  /** 1 for a deployment's first pass over the host, 2 after the first retry, … */
  round?: number | undefined;
  /** The activity's attempt within its round. */
  attempt: number;
  /**
   * This run of the step, unique: a re-run (after a worker crash, a replayed
   * local activity) may carry the same attempt number and still gets its own
   * record. The store keeps records append-only per execution.
   */
  execution?: string | undefined;
  /** The worker process that ran it (`pid@host`, as Temporal names workers). */
  worker?: string | undefined;
  status: StepStatus;
  startedAt: Date;
  finishedAt?: Date | undefined;
  /** The command as run (argv joined for reading), when the step runs one. */
  command?: string | undefined;
  exitCode?: number | undefined;
  /** Full output, bounded per step by the store. */
  stdout?: string | undefined;
  stderr?: string | undefined;
  error?: string | undefined;
  /** A FAILED attempt's error type (the ApplicationFailure's); its runbook section explains it. */
  errorType?: string | undefined;
}

export interface HostRecord {
  name: string;
  address: string;
  status: HostStatus;
  error?: string | undefined;
  /** The release the host had before this deployment: what a rollback returns to. */
  previousVersion?: string | undefined;
}

export interface NewDeployment {
  id: string;
  workflowId: string;
  application: string;
  environment: string;
  team: string;
  version: string;
  requestedBy: string;
  /** The validated request as JSON (no secrets: requests carry none). */
  request: unknown;
  status: DeploymentStatus;
  createdAt: Date;
  /** A rollback: the finished deployment it rolls back. */
  rollbackOf?: string | undefined;
  /** Why the rollback was asked for (the caller's words). */
  rollbackReason?: string | undefined;
}

export interface DeploymentRecord extends NewDeployment {
  chefQuery?: string | undefined;
  loadBalancers: string[];
  hosts: HostRecord[];
  startedAt?: Date | undefined;
  finishedAt?: Date | undefined;
  error?: string | undefined;
  /** The latest rollback of this deployment. */
  rolledBackBy?: string | undefined;
}

export interface DeploymentFilter {
  application?: string | undefined;
  team?: string | undefined;
  environment?: string | undefined;
  status?: DeploymentStatus[] | undefined;
  limit?: number | undefined;
}

/** Step records as listed with a deployment: output trimmed to a tail. */
export type StepSummary = Omit<StepRecord, 'stdout' | 'stderr'> & { outputTail: string };

export interface DeploymentStore {
  /** Inserts once; a second call with the same id changes nothing and answers created=false. */
  insertDeployment(d: NewDeployment): Promise<{ created: boolean }>;
  setStatus(id: string, status: DeploymentStatus, at: Date, error?: string): Promise<void>;
  /** Records the host snapshot and the Chef query that produced it. */
  setHosts(id: string, chefQuery: string, loadBalancers: string[], hosts: HostRecord[]): Promise<void>;
  /** `previousVersion`, when given, is recorded and never cleared. */
  setHostStatus(id: string, host: string, status: HostStatus, error?: string, previousVersion?: string): Promise<void>;
  /** The same status and error for many hosts at once (the hosts a stopped deploy never started). */
  setHostsStatus(id: string, hosts: string[], status: HostStatus, error: string): Promise<void>;
  /**
   * Inserts a rollback of `rollbackOf` and links it from the original, in one
   * transaction: refused (`linked: false`, with the rollback that holds it)
   * when the original has a rollback that did not end FAILED or CANCELLED.
   */
  insertRollback(d: NewDeployment & { rollbackOf: string }): Promise<{ linked: true } | { linked: false; rolledBackBy: string }>;
  /** Writes (or overwrites, keyed by deployment/host/step/attempt) one step attempt. */
  saveStep(step: StepRecord): Promise<void>;
  getDeployment(id: string): Promise<DeploymentRecord | undefined>;
  listSteps(id: string): Promise<StepSummary[]>;
  listDeployments(filter: DeploymentFilter): Promise<DeploymentRecord[]>;
  /** How many deployments are in each status that is not final. */
  countUnfinished(): Promise<Partial<Record<DeploymentStatus, number>>>;
  /** Full step records with output, for the logs endpoint. */
  getLogs(id: string, filter: { host?: string | undefined; step?: string | undefined }): Promise<StepRecord[]>;
}
