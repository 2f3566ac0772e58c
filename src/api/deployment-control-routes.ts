import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeploymentStore } from '../domain/deployment.ts';
import { HOST_STEPS, ROLLBACK_STEPS } from '../domain/deployment.ts';
import { RUNBOOK_PATH, runbookLink } from '../domain/errors.ts';
import { haproxyName } from '../domain/names.ts';
import { CONTROL_ACTIONS } from './deployment-controls.ts';
import type { DeploymentService } from './deployment-service.ts';
import { errorAnswers } from './schemas.ts';

export const deploymentIdParam = z.object({ id: z.string().regex(/^d-[a-f0-9-]{8,64}$/, 'is not a deployment id') });

const controlAnswer = z
  .object({ deploymentId: z.string(), status: z.string(), message: z.string() })
  .meta({ example: { deploymentId: 'd-3f2a…', status: 'PAUSED', message: 'paused: no new host starts; hosts in flight finish their steps' } });

const logEntry = z.object({
  host: z.string(),
  step: z.string(),
  round: z.number().int(),
  attempt: z.number().int(),
  worker: z.string().nullable().describe('the worker process (pid@host) that ran this execution of the step; every execution is its own entry'),
  status: z.string(),
  command: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  error: z.string().nullable(),
  errorType: z.string().nullable().describe("a FAILED attempt's error type; null for any other"),
  docs: z.string().nullable().describe('the runbook section of `errorType`'),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** Operators' controls and the full step logs of a deployment. */
export const deploymentControlRoutes =
  (deps: {
    service: DeploymentService;
    store: DeploymentStore;
    authorize: (request: FastifyRequest, team: string) => void;
    /** VESEMIR_DOCS_URL, for each failed attempt's `docs`. */
    docsUrl?: string | undefined;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    for (const action of CONTROL_ACTIONS) {
      app.post(
        `/v1/deployments/:id/${action}`,
        {
          schema: {
            tags: ['deployments'],
            operationId: `${action}Deployment`,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} a deployment`,
            params: deploymentIdParam,
            body:
              action === 'cancel'
                ? z
                    .object({ rollback: z.boolean().default(false) })
                    .strict()
                    .optional()
                : z.object({}).strict().optional(),
            response: { 200: controlAnswer, 202: controlAnswer, ...errorAnswers([403, 404, 409, 503]) },
          },
        },
        async (request, reply) => {
          const record = await deps.service.get(request.params.id);
          deps.authorize(request, record.team);
          const body = (request.body ?? {}) as { rollback?: boolean };
          const answer = await deps.service.control(record.id, action, { rollback: body.rollback });
          return reply.code(answer.status === 'QUEUED' || answer.pending ? 202 : 200).send(answer);
        },
      );
    }

    app.get(
      '/v1/deployments/:id/logs',
      {
        schema: {
          tags: ['deployments'],
          operationId: 'getDeploymentLogs',
          summary: 'Every step attempt of every host with its command, exit code and full output',
          params: deploymentIdParam,
          querystring: z.object({ host: haproxyName.optional(), step: z.enum([...HOST_STEPS, ...ROLLBACK_STEPS]).optional() }),
          response: { 200: z.object({ steps: z.array(logEntry) }), ...errorAnswers([403, 404]) },
        },
      },
      async (request) => {
        const record = await deps.service.get(request.params.id);
        deps.authorize(request, record.team);
        const steps = await deps.store.getLogs(record.id, request.query);
        return {
          steps: steps.map((s) => ({
            host: s.host,
            step: s.step,
            round: s.round ?? 1,
            attempt: s.attempt,
            worker: s.worker ?? null,
            status: s.status,
            command: s.command ?? null,
            exitCode: s.exitCode ?? null,
            stdout: s.stdout ?? '',
            stderr: s.stderr ?? '',
            error: s.error ?? null,
            errorType: s.errorType ?? null,
            docs: s.errorType ? runbookLink(deps.docsUrl ?? RUNBOOK_PATH, s.errorType) : null,
            startedAt: s.startedAt.toISOString(),
            finishedAt: s.finishedAt ? s.finishedAt.toISOString() : null,
          })),
        };
      },
    );
  };
