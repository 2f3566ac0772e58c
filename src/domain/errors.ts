/**
 * The error vocabulary. Every error carries a stable `type` string from the
 * table below: activities map it to ApplicationFailure.type (src/activities/failures.ts),
 * the API to a status code (src/api/errors.ts), and workflows branch on it,
 * never on a class name or message text.
 */

/**
 * What another attempt can do. `never`: the same input fails the same way
 * (not-found, validation, configuration, authorization). `retry`: the trouble
 * may pass. `not yet`: an expected "still waiting" answer, retried and BENIGN,
 * so it neither logs a warning nor counts as an error.
 */
export type RetryDecision = 'never' | 'retry' | 'not yet';

const RETRY = {
  // Deploying a release to a host.
  ArtifactChecksumMismatch: 'never',
  ArtifactUnavailable: 'retry',
  RemoteCommandFailed: 'never',
  HealthCheckFailed: 'never',
  NoHostsFound: 'never',
  UnknownApplication: 'never',
  NoPreviousRelease: 'never',
  AddressNotAllowed: 'never',
  DeploymentNotFound: 'never',
  ConfigError: 'never',
  /** The request names something the application's scope does not allow. */
  OutsideApplicationScope: 'never',
  /** The request's target cannot be a search at all. */
  InvalidTarget: 'never',
  // SSH.
  HostKeyMismatch: 'never',
  HostKeyUnknown: 'never',
  SshConnect: 'retry',
  SshExecTimeout: 'retry',
  SshUpload: 'retry',
  // HAProxy's runtime API.
  LoadBalancerError: 'retry',
  InvalidHaproxyName: 'never',
  UnexpectedHaproxyAnswer: 'retry',
  ConversationEnded: 'retry',
  /** `add server` found a server of that name at another address: adding would hide it. */
  HaproxyServerConflict: 'never',
  // Chef.
  ChefError: 'retry',
  ChefDataError: 'never',
  ChefQuerySyntax: 'never',
  ChefQueryRejected: 'never',
  ChefUnavailable: 'never',
  // Provisioning VMs: pending and not-yet-registered are retried up to the deadline.
  UnsupportedPlatform: 'never',
  UnsupportedMachineType: 'never',
  /** application-environment-stack-os-NNN would not fit a hostname label. */
  VmNameTooLong: 'never',
  /** PROCTOR_URL & co. are unset: no attempt can succeed until an operator sets them. */
  ProvisioningNotConfigured: 'never',
  ProvisionerUnavailable: 'retry',
  ProvisionerRejected: 'never',
  ProvisioningPending: 'not yet',
  ProvisioningFailed: 'never',
  ProvisioningDeadline: 'never',
  VmNotRegistered: 'not yet',
  InvalidVmTransition: 'never',
  VmNotFound: 'never',
  // Decommissioning VMs.
  /** The runner's decommission job ended FAILED: the VM may still run. */
  DecommissionFailed: 'never',
  /** A VM still being created cannot be decommissioned yet: cancel its request first. */
  VmStillProvisioning: 'never',
  // Refusals of the API.
  /** A request that does not match its schema; `issues` says what each field expects. */
  BadRequest: 'never',
  NotFound: 'never',
  Forbidden: 'never',
  WrongTeam: 'never',
  IdempotencyKeyReused: 'never',
  DeploymentInProgress: 'retry',
  DeploymentFinished: 'never',
  ControlRejected: 'never',
  NothingToRetry: 'never',
  /** A rollback of a finished deploy that cannot be made: not SUCCEEDED, no DONE host, a previous release unknown or no longer kept. */
  RollbackNotPossible: 'never',
  /** The deploy has a rollback already (running or done): a second one is refused. */
  AlreadyRolledBack: 'never',
  /** A later deploy of the application/environment has run since: a rollback needs `force`. */
  LaterDeployRan: 'never',
  // Fleet recycles.
  /** No READY VM of the application/environment on the OS to recycle from. */
  NothingToRecycle: 'never',
  /** No SUCCEEDED deploy tells the release the fleet runs, or `currentRelease` is not it. */
  NoCurrentRelease: 'never',
  /** A batch's new VM failed provisioning, its deploy or its health: the batch was compensated. */
  RecycleBatchFailed: 'never',
  TemporalUnavailable: 'retry',
  /** Anything that is not a VesemirError. */
  InternalError: 'retry',
} as const satisfies Record<string, RetryDecision>;

export type ErrorTypeName = keyof typeof RETRY;

export const ErrorType = Object.freeze(Object.fromEntries(Object.keys(RETRY).map((t) => [t, t]))) as { readonly [T in ErrorTypeName]: T };

export const ERROR_TYPES = Object.keys(RETRY) as readonly ErrorTypeName[];

export function retryDecision(type: ErrorTypeName): RetryDecision {
  return RETRY[type];
}

/** For the activity options' `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = ERROR_TYPES.filter((t) => RETRY[t] === 'never');

export interface VesemirErrorOptions {
  /** Data for the log, the failure's details and the API's answer; never a secret. */
  details?: Record<string, unknown>;
  /** The request field the error is about, dotted (`chef.query`). */
  field?: string;
  /** Overrides the table's decision for this one error (a Chef 4xx is not worth another try). */
  retryable?: boolean;
  cause?: unknown;
}

export class VesemirError extends Error {
  readonly details: Record<string, unknown>;
  readonly field: string | undefined;
  readonly retryable: boolean;

  constructor(
    readonly type: ErrorTypeName,
    message: string,
    options: VesemirErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VesemirError';
    this.details = options.details ?? {};
    this.field = options.field;
    this.retryable = options.retryable ?? RETRY[type] !== 'never';
  }
}

/**
 * Where every type is explained for the people who meet it: docs/runbook.md
 * has a `### <Type>` section per type, so its anchor is the type lower-cased.
 * Relative to the repository; VESEMIR_DOCS_URL points answers elsewhere.
 */
export const RUNBOOK_PATH = 'docs/runbook.md';

export function runbookLink(base: string, type: string): string {
  return `${base}#${type.toLowerCase()}`;
}
