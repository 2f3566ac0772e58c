import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorType, type ErrorTypeName, RUNBOOK_PATH, runbookLink, VesemirError } from '../domain/errors.ts';

/**
 * The API's answer to each error type. 500 means "ours, not the caller's":
 * the error is logged and the answer says nothing about it.
 */
const HTTP_STATUS: Record<ErrorTypeName, number> = {
  // Matches the schema's characters but is not a search: a schema cannot say a grammar.
  InvalidTarget: 422,
  BadRequest: 400,
  Forbidden: 403,
  WrongTeam: 403,
  OutsideApplicationScope: 403,
  NotFound: 404,
  DeploymentNotFound: 404,
  VmNotFound: 404,
  DeploymentInProgress: 409,
  DeploymentFinished: 409,
  ControlRejected: 409,
  NothingToRetry: 409,
  RollbackNotPossible: 409,
  AlreadyRolledBack: 409,
  LaterDeployRan: 409,
  NothingToRecycle: 409,
  NoCurrentRelease: 409,
  VmStillProvisioning: 409,
  UnknownApplication: 422,
  IdempotencyKeyReused: 422,
  UnsupportedPlatform: 422,
  UnsupportedMachineType: 422,
  VmNameTooLong: 422,
  ChefQueryRejected: 422,
  TemporalUnavailable: 503,
  ChefUnavailable: 503,
  ProvisioningNotConfigured: 503,
  // The worker's errors: an API that meets one has a fault of its own.
  ArtifactChecksumMismatch: 500,
  ArtifactUnavailable: 500,
  RemoteCommandFailed: 500,
  HealthCheckFailed: 500,
  NoHostsFound: 500,
  NoPreviousRelease: 500,
  AddressNotAllowed: 500,
  ConfigError: 500,
  HostKeyMismatch: 500,
  HostKeyUnknown: 500,
  SshConnect: 500,
  SshExecTimeout: 500,
  SshUpload: 500,
  LoadBalancerError: 500,
  InvalidHaproxyName: 500,
  UnexpectedHaproxyAnswer: 500,
  ConversationEnded: 500,
  HaproxyServerConflict: 500,
  DecommissionFailed: 500,
  RecycleBatchFailed: 500,
  ChefError: 500,
  ChefDataError: 500,
  ChefQuerySyntax: 500,
  ProvisionerUnavailable: 500,
  ProvisionerRejected: 500,
  ProvisioningPending: 500,
  ProvisioningFailed: 500,
  ProvisioningDeadline: 500,
  VmNotRegistered: 500,
  InvalidVmTransition: 500,
  InternalError: 500,
};

/**
 * The status and body for an error; anything but a VesemirError (or Temporal out of reach) is a 500.
 * `docs` links the type's section of the runbook under `docsUrl` (VESEMIR_DOCS_URL).
 */
export function httpAnswer(thrown: unknown, docsUrl: string = RUNBOOK_PATH): { status: number; body: Record<string, unknown> } {
  const err = temporalOutOfReach(thrown) ?? thrown;
  const status = err instanceof VesemirError ? HTTP_STATUS[err.type] : 500;
  if (status === 500 || !(err instanceof VesemirError)) {
    const docs = runbookLink(docsUrl, ErrorType.InternalError);
    return { status: 500, body: { error: 'Internal', message: 'internal error; see the server log', docs } };
  }
  const field = err.field === undefined ? {} : { field: err.field };
  return { status, body: { error: err.type, message: err.message, ...field, ...err.details, docs: runbookLink(docsUrl, err.type) } };
}

// gRPC's UNAVAILABLE and DEADLINE_EXCEEDED: the server is down or did not answer in time.
const OUT_OF_REACH_CODES = new Set([14, 4]);

/** Temporal's client errors that mean "try again later" rather than a fault of ours. */
function temporalOutOfReach(err: unknown): VesemirError | undefined {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new VesemirError(ErrorType.TemporalUnavailable, 'Temporal did not answer in time; the control may still arrive, retry to see', { cause: err });
  }
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(grpc) && OUT_OF_REACH_CODES.has(grpc.code)) {
    return new VesemirError(ErrorType.TemporalUnavailable, `Temporal could not be reached: ${grpc.details || grpc.message}`, { cause: err });
  }
  return undefined;
}

/** 400 with every offending field and what it expects; no stack traces or internals on 5xx. */
export function installErrorHandler(app: FastifyInstance, docsUrl: string = RUNBOOK_PATH): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    // Fastify's own refusals (a body that is not JSON, too large…) keep its code.
    if (!(err instanceof VesemirError) && err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'BadRequest', message: err.message });
    }
    const { status, body } = httpAnswer(err, docsUrl);
    if (status === 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send(body);
  });
}
