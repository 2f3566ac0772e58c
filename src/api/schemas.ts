import { z } from 'zod';
import { deployRequestSchema } from '../domain/deploy-request.ts';
import { DEPLOYMENT_STATUSES, HOST_STATUSES } from '../domain/deployment.ts';

/** Response shapes, for serialization and the OpenAPI document. */

/** Every error's body: `#/components/schemas/Error` in the OpenAPI document (the id names it there). */
export const errorResponse = z
  .object({
    error: z.string(),
    message: z.string(),
    /** The request field an error is about (dotted, e.g. `chef.query`). */
    field: z.string().optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    runningDeploymentId: z.string().optional(),
    /** The runbook section of this error type: what it means, how to diagnose and fix it. */
    docs: z.string().optional(),
  })
  .meta({
    id: 'Error',
    example: {
      error: 'BadRequest',
      message: 'invalid request: body.concurrency: required, a number 1..500 or a ramp like [1, 2, "50%"]',
      issues: [{ field: 'body.concurrency', message: 'required, a number 1..500 or a ramp like [1, 2, "50%"]' }],
    },
  });

const platform = z.object({ stack: z.string(), osVersion: z.string(), machineTypes: z.array(z.string()) });
/** The VM routes' error body (`VmError`): 422 on an unknown (stack, osVersion) pair lists the supported ones; 503 without provisioning names the missing variables. */
export const vmErrorResponse = errorResponse
  .extend({ supported: z.array(platform).optional(), missing: z.array(z.string()).optional() })
  .meta({ id: 'VmError' });

/** What each error status means, in every operation that can answer it. */
const ERROR_MEANINGS = {
  400: "The request does not match this operation's schema: `issues` names each field and what it expects.",
  401: 'No bearer token, or one this server does not know (`WWW-Authenticate` says which).',
  403: "The token's team may not act for the team, application or resource named.",
  404: 'Nothing has this id or name.',
  409: 'The resource is not in a state this request applies to (a deployment in progress or finished, a control rejected): `message` says why.',
  422:
    "Well formed by this schema, but refused by this server's configuration or by a rule a schema cannot state: an unknown application, " +
    'a Chef query that is not a search, a platform or machine type not offered, VM names too long for a hostname, an Idempotency-Key reused with another request.',
  500: "A fault of the server's own; the answer says nothing more, the server's log does.",
  503: 'A service this request needs (Temporal, Chef) could not be reached: retry later.',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** The name of each error status's shared answer in `#/components/responses`. */
const ERROR_NAMES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  422: 'Unprocessable',
  500: 'InternalError',
  503: 'Unavailable',
};

/** A route's answer for an error status: its meaning, and a body schema registered with an id (a component). */
export interface ErrorAnswer {
  description: string;
  content: { 'application/json': { schema: z.ZodType } };
}

/**
 * Answers for error statuses, each with its meaning, for a route's `response`.
 * `body` must carry a registry id (`.meta({ id })`): the document refers to it,
 * and contract.ts shares each answer as `#/components/responses/<name>` (errorAnswerName).
 */
export function errorAnswers<S extends ErrorStatus>(statuses: readonly S[], body: z.ZodType = errorResponse): Record<S, ErrorAnswer> {
  const answer = (s: S): ErrorAnswer => ({ description: ERROR_MEANINGS[s], content: { 'application/json': { schema: body } } });
  return Object.fromEntries(statuses.map((s) => [s, answer(s)])) as Record<S, ErrorAnswer>;
}

/**
 * The shared response an error answer in the document stands for: its status's
 * meaning with the body `#/components/schemas/<schemaId>` (`Error` → `NotFound`,
 * `VmError` → `VmNotFound`); undefined for any other answer.
 */
export function errorAnswerName(status: string, description: unknown, schemaId: string): string | undefined {
  if (!Object.hasOwn(ERROR_MEANINGS, status)) return undefined;
  const s = Number(status) as ErrorStatus;
  if (description !== ERROR_MEANINGS[s]) return undefined;
  return `${schemaId.replace(/Error$/, '')}${ERROR_NAMES[s]}`;
}

/** The `Idempotency-Key` header of a create: a repeat with the same key answers what the first one made. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/)
    .optional(),
});

export const links = z.object({ self: z.string(), temporalUi: z.string() });

export const stepView = z.object({
  name: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  errorType: z.string().nullable().describe("a FAILED step's error type; null for any other step"),
  docs: z.string().nullable().describe('the runbook section of `errorType`: what it means, how to diagnose and fix it'),
  outputTail: z.string(),
});

export const hostView = z.object({
  name: z.string(),
  address: z.string(),
  status: z.enum(HOST_STATUSES),
  error: z.string().nullable(),
  errorType: z.string().nullable().describe('the error type of the step that made the host fail (its first failed deploy step, else a rollback step)'),
  docs: z.string().nullable().describe('the runbook section of `errorType`'),
  previousVersion: z
    .string()
    .nullable()
    .describe('the release the host had before this deployment: what a rollback returns it to (null: unknown, e.g. its first deploy)'),
  steps: z.array(stepView),
});

export const deploymentView = z.object({
  id: z.string(),
  application: z.string(),
  environment: z.string(),
  team: z.string(),
  version: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  requestedBy: z.string(),
  chefQuery: z.string().nullable(),
  loadBalancers: z.array(z.string()),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  queuePosition: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('QUEUED only: its place in the application/environment queue, 1 = next (0: its turn has come, it is starting)'),
  waitingFor: z.string().nullable().optional().describe('QUEUED only: the deployment holding the turn, which it waits behind'),
  provisioning: z
    .object({
      requestId: z.string(),
      stack: z.string(),
      osVersion: z.string(),
      total: z.number().int(),
      ready: z.number().int(),
      failed: z.number().int().describe('VMs FAILED or CANCELLED'),
      vms: z.array(z.object({ name: z.string(), status: z.string(), error: z.string().nullable() })),
      link: z.string().describe('the VM request: GET it for each VM, its job and transitions'),
    })
    .nullable()
    .optional()
    .describe("The VMs this deploy created first (the application's declared fleet, no host found; status PROVISIONING while they come up); null: none"),
  request: deployRequestSchema
    .nullable()
    .describe(
      'The request as accepted, defaults filled in: what `vesemir deploy --from <id>` starts again with a new version (null: a request this server no longer reads)',
    ),
  rollbackOf: z.string().nullable().describe('a rollback: the finished deployment it rolls back'),
  rolledBackBy: z.string().nullable().describe('the latest rollback of this deployment'),
  rollbackReason: z.string().nullable().describe("a rollback: the caller's reason"),
  hosts: z.array(hostView),
  links,
});

export const deploymentSummary = deploymentView.omit({ hosts: true, request: true }).extend({
  hostCounts: z.record(z.string(), z.number()),
});

export const createdResponse = z.object({ id: z.string(), status: z.enum(DEPLOYMENT_STATUSES), links }).meta({
  example: {
    id: 'd-3f2a…',
    status: 'QUEUED',
    links: { self: '/v1/deployments/d-3f2a…', temporalUi: 'http://127.0.0.1:8233/namespaces/default/workflows/deploy-d-3f2a…' },
  },
});

export type DeploymentView = z.infer<typeof deploymentView>;

/** A fleet recycle as `GET /v1/fleet-recycles/{id}` answers it. */
const recycleVmView = z.object({ name: z.string(), status: z.string(), error: z.string().nullable() });
const osCounts = z.record(z.string(), z.number().int()).describe('READY VMs of the application/environment per OS version');
export const recycleView = z.object({
  id: z.string(),
  application: z.string(),
  environment: z.string(),
  team: z.string(),
  requestedBy: z.string(),
  status: z.enum(['QUEUED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED']),
  fromOsVersion: z.string().nullable(),
  toOsVersion: z.string(),
  batchSize: z.number().int(),
  maxFailedBatches: z.number().int(),
  release: z.string().nullable().describe('the release deployed to the new VMs: the last SUCCEEDED deploy’s'),
  batches: z.array(
    z.object({
      index: z.number().int(),
      status: z.string(),
      error: z.string().nullable(),
      old: z.array(recycleVmView),
      new: z.array(recycleVmView),
    }),
  ),
  counts: z.object({ before: osCounts.nullable(), after: osCounts.nullable() }),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  links: z.object({ self: z.string(), temporalUi: z.string(), deployment: z.string().describe('the new VMs’ host steps (GET, logs)') }),
});
export const recycleAccepted = z.object({ id: z.string(), status: z.string(), links: z.object({ self: z.string(), temporalUi: z.string() }) });
export const recycleControlAnswer = z.object({ recycleId: z.string(), status: z.string(), message: z.string() });
