import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from './auth.ts';
import { deploymentIdParam } from './deployment-control-routes.ts';
import type { DeploymentService } from './deployment-service.ts';
import type { LinkBuilder } from './deployment-views.ts';
import { createdResponse, errorAnswers } from './schemas.ts';

const rollbackBody = z
  .strictObject({
    force: z.boolean().default(false).describe('roll back even though a later deploy of the application/environment has run since'),
    reason: z.string().max(500, 'at most 500 characters').optional().describe('why: shown with the rollback'),
  })
  .optional();

const rollbackCreated = createdResponse.extend({ rollbackOf: z.string() });

/** `POST /v1/deployments/:id/rollback`: a new deployment that takes a finished deploy's hosts back to their previous release. */
export const deploymentRollbackRoutes =
  (deps: { service: DeploymentService; links: LinkBuilder }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/deployments/:id/rollback',
      {
        schema: {
          tags: ['deployments'],
          operationId: 'rollbackDeployment',
          summary:
            'Roll back a SUCCEEDED deployment (202): a new deployment takes its DONE hosts back to the release each had before (kept on the host, nothing downloaded), ' +
            'through drain, activate, restart, health and enable; 409 with the reason when it cannot',
          params: deploymentIdParam,
          body: rollbackBody,
          response: { 202: rollbackCreated, ...errorAnswers([400, 403, 404, 409, 422, 503]) },
        },
      },
      async (request, reply) => {
        const original = await deps.service.get(request.params.id);
        authorize(request, original.team);
        const record = await deps.service.rollback(original.id, {
          force: request.body?.force,
          reason: request.body?.reason,
          requestedBy: request.principal.name,
        });
        return reply.code(202).send({
          id: record.id,
          status: record.status,
          rollbackOf: original.id,
          links: { self: deps.links.self(record.id), temporalUi: deps.links.temporalUi(record.workflowId) },
        });
      },
    );
  };
