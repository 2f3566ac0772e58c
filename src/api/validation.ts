import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { ErrorType, VesemirError } from '../domain/errors.ts';

/** One refused field of a request: `body.concurrency`, `querystring.limit`, `params.id`. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A request part that does not match its schema: 400, every field with what it expects. */
export function requestInvalid(issues: FieldIssue[]): VesemirError {
  return new VesemirError(ErrorType.BadRequest, `invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { details: { issues } });
}

/**
 * Validates each request part with its zod schema. A request without a body
 * is an absent body (Fastify hands the validator null), so an optional body
 * may be left out. A field whose schema names no message of its own gets one
 * from `expectation`, which says what was expected rather than "Invalid input".
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(httpPart === 'body' && data === null ? undefined : data, { error: expectation });
    if (result.success) return { value: result.data };
    const part = httpPart ?? 'body';
    return { error: requestInvalid(result.error.issues.map((i) => ({ field: [part, ...i.path.map(String)].join('.'), message: i.message }))) };
  };

/** What a field without a message of its own expected; undefined keeps zod's own words. */
export function expectation(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    const expected = article(issue.expected);
    if (issue.input === undefined) return `required, ${expected}`;
    // A query's number that did not parse arrives as NaN: "got a number" would puzzle.
    return Number.isNaN(issue.input) ? `expected ${expected}` : `expected ${expected}, got ${kindOf(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `not a field of this request: ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (see the schema at /docs)`;
  }
  return undefined;
}

function article(type: string): string {
  return type === 'array' || type === 'object' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

/**
 * The JSON parser Fastify would use, but a body of JSON `null` is refused: the
 * validators cannot tell it from no body at all (Fastify hands them null for
 * both), and no operation takes `null`.
 */
export function refuseNullBodies(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    json(request, body as string, (err, value) => {
      if (err) return done(err);
      if (value === null) return done(requestInvalid([{ field: 'body', message: 'expected an object, got null (leave the body out instead)' }]));
      done(null, value);
    }),
  );
}
