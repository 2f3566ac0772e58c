import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { TargetError } from '../domain/targets.ts';

/** An error the API answers with its own status code and a stable `error` word. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * A target the application's scope refuses: 400 when the value is malformed,
 * 403 when it names something outside the scope. The body names the field.
 */
export function targetHttpError(err: unknown): unknown {
  if (!(err instanceof TargetError)) return err;
  return err.reason === 'malformed'
    ? new HttpError(400, 'InvalidTarget', err.message, { field: err.field })
    : new HttpError(403, 'OutsideApplicationScope', err.message, { field: err.field });
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
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send({ error: err.error, message: err.message, ...err.extra });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'BadRequest', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'Internal', message: 'internal error; see the server log' });
  });
}
