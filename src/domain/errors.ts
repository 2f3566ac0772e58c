/**
 * The error vocabulary. Every error carries a stable `type` string: activities
 * map it to ApplicationFailure.type and workflows branch on it, never on a
 * class name or message text.
 */
export const ErrorType = {
  ArtifactChecksumMismatch: 'ArtifactChecksumMismatch',
  ArtifactUnavailable: 'ArtifactUnavailable',
  RemoteCommandFailed: 'RemoteCommandFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  HostKeyMismatch: 'HostKeyMismatch',
  HostKeyUnknown: 'HostKeyUnknown',
  SshConnect: 'SshConnect',
  LoadBalancerError: 'LoadBalancerError',
  ChefError: 'ChefError',
  NoHostsFound: 'NoHostsFound',
  UnknownApplication: 'UnknownApplication',
  NoPreviousRelease: 'NoPreviousRelease',
  AddressNotAllowed: 'AddressNotAllowed',
  DeploymentNotFound: 'DeploymentNotFound',
  InvalidHaproxyName: 'InvalidHaproxyName',
  ChefDataError: 'ChefDataError',
  ConfigError: 'ConfigError',
  /** Thrown by resolveTargets (src/domain/targets.ts): the request leaves the application's scope. */
  TargetError: 'TargetError',
} as const;
export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/**
 * Retrying these cannot help: the same input fails the same way. Not-found,
 * validation, configuration and authorization errors all belong here
 * (test/domain/error-retry-policy.test.ts holds every type to a decision).
 * An error may also say so itself with `retryable: false` (a Chef 4xx).
 */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = [
  ErrorType.ArtifactChecksumMismatch,
  ErrorType.RemoteCommandFailed,
  ErrorType.HealthCheckFailed,
  ErrorType.HostKeyMismatch,
  ErrorType.HostKeyUnknown,
  ErrorType.NoHostsFound,
  ErrorType.UnknownApplication,
  ErrorType.NoPreviousRelease,
  ErrorType.AddressNotAllowed,
  ErrorType.DeploymentNotFound,
  ErrorType.InvalidHaproxyName,
  ErrorType.ChefDataError,
  ErrorType.ConfigError,
  ErrorType.TargetError,
];

export class VesemirError extends Error {
  constructor(
    readonly type: ErrorTypeName,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Reads the `type` of any error that carries one (adapters' errors do). */
export function errorTypeOf(err: unknown): string | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}
