import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorTypeName, VesemirError } from '../domain/errors.ts';

/**
 * The API's answer to each error type. 500 means "ours, not the caller's":
 * the error is logged and the answer says nothing about it.
 */
const HTTP_STATUS: Record<ErrorTypeName, number> = {
  InvalidTarget: 400,
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
  UnknownApplication: 422,
  IdempotencyKeyReused: 422,
  UnsupportedPlatform: 422,
  UnsupportedMachineType: 422,
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

/** The status and body for an error; anything but a VesemirError is a 500. */
export function httpAnswer(err: unknown): { status: number; body: Record<string, unknown> } {
  const status = err instanceof VesemirError ? HTTP_STATUS[err.type] : 500;
  if (status === 500 || !(err instanceof VesemirError)) {
    return { status: 500, body: { error: 'Internal', message: 'internal error; see the server log' } };
  }
  const field = err.field === undefined ? {} : { field: err.field };
  return { status, body: { error: err.type, message: err.message, ...field, ...err.details } };
}

/** 400 with every offending field path; no stack traces or internals on 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const path = (v.params as { issue?: { path?: PropertyKey[] } }).issue?.path;
        const field = path?.length ? path.map(String).join('.') : v.instancePath.replace(/^\//, '').replaceAll('/', '.');
        return { field: `${err.validationContext ?? 'body'}${field ? `.${field}` : ''}`, message: v.message };
      });
      return reply.code(400).send({
        error: 'BadRequest',
        message: `invalid request: ${issues.map((i) => i.field).join(', ')}`,
        issues,
      });
    }
    // Fastify's own refusals (a body that is not JSON, too large…) keep its code.
    if (!(err instanceof VesemirError) && err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'BadRequest', message: err.message });
    }
    const { status, body } = httpAnswer(err);
    if (status === 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send(body);
  });
}
