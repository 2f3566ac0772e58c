import { z } from 'zod';
import { DEPLOYMENT_STATUSES, HOST_STATUSES } from '../domain/deployment.ts';

/** Response shapes, for serialization and the OpenAPI document. */

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
  .meta({ example: { error: 'BadRequest', message: 'invalid body', issues: [{ field: 'concurrency', message: 'Too small: expected number to be >=1' }] } });

export const links = z.object({ self: z.string(), temporalUi: z.string() });

export const stepView = z.object({
  name: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  outputTail: z.string(),
});

export const hostView = z.object({
  name: z.string(),
  address: z.string(),
  status: z.enum(HOST_STATUSES),
  error: z.string().nullable(),
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
  hosts: z.array(hostView),
  links,
});

export const deploymentSummary = deploymentView.omit({ hosts: true }).extend({
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
