import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deployRequestSchema } from '../domain/deploy-request.ts';
import { DEPLOYMENT_STATUSES, type DeploymentStore } from '../domain/deployment.ts';
import { slug } from '../domain/names.ts';
import { authorize } from './auth.ts';
import { deploymentControlRoutes, deploymentIdParam } from './deployment-control-routes.ts';
import { deploymentRollbackRoutes } from './deployment-rollback-routes.ts';
import type { DeploymentService } from './deployment-service.ts';
import { deploymentView, hostCounts, type LinkBuilder } from './deployment-views.ts';
import { createdResponse, deploymentSummary, deploymentView as deploymentViewSchema, errorAnswers, idempotencyHeaders } from './schemas.ts';

export interface DeploymentRoutesDeps {
  service: DeploymentService;
  store: DeploymentStore;
  links: LinkBuilder;
  /** VESEMIR_DOCS_URL: where failed steps' `docs` links point. @default docs/runbook.md */
  docsUrl?: string | undefined;
}

const hostRef = z.object({ name: z.string(), address: z.string() });
const dryRunResponse = z.object({
  dryRun: z.literal(true),
  application: z.string(),
  environment: z.string(),
  version: z.string(),
  chefQuery: z.string(),
  loadBalancerQuery: z.string(),
  hosts: z.array(hostRef),
  loadBalancers: z.array(hostRef),
  phases: z.array(
    z.object({
      hosts: z.array(z.string()),
      window: z.number().int(),
      gate: z.object({ requireApproval: z.boolean(), bakeSeconds: z.number().int() }).optional(),
    }),
  ),
  maxFailedHosts: z.number().int(),
  autoRollback: z.boolean(),
  weightPercent: z.number().int(),
  weights: z
    .array(
      z.object({
        host: z.string(),
        inMaintenance: z.boolean(),
        skipped: z.string().optional(),
        boxes: z.array(
          z.object({
            lb: z.string(),
            state: z.enum(['ready', 'drain', 'maint']),
            weight: z.number().int(),
            configuredWeight: z.number().int(),
            enableWeight: z.number().int(),
            fullWeight: z.number().int(),
            raisedToMinimum: z.boolean(),
          }),
        ),
      }),
    )
    .optional()
    .describe('Per host and LB box: the state and weight now, the weight of the first enable and of 100%.'),
  weightsError: z.string().optional(),
  wouldCreate: z
    .object({
      count: z.number().int(),
      stack: z.string(),
      osVersion: z.string(),
      machineType: z.string().optional(),
      message: z.string(),
    })
    .optional()
    .describe(
      'No host found and the application declares its fleet: the VMs the deploy would create first (`message`: "would create 3 VMs (python, ubuntu-22.04)…").',
    ),
});

export const deploymentsRoutes =
  (deps: DeploymentRoutesDeps): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(deploymentControlRoutes({ service: deps.service, store: deps.store, authorize, docsUrl: deps.docsUrl }));
    await app.register(deploymentRollbackRoutes({ service: deps.service, links: deps.links }));

    app.post(
      '/v1/deployments',
      {
        schema: {
          tags: ['deployments'],
          operationId: 'createDeployment',
          summary: 'Start a deployment (202); the same Idempotency-Key returns the same deployment',
          headers: idempotencyHeaders,
          querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
          body: deployRequestSchema,
          response: {
            200: createdResponse.or(dryRunResponse),
            202: createdResponse,
            ...errorAnswers([400, 403, 409, 422, 503]),
          },
        },
      },
      async (request, reply) => {
        authorize(request, request.body.team);
        if (request.query.dryRun === 'true') return reply.code(200).send(await deps.service.dryRun(request.body));
        const { record, created } = await deps.service.create(request.body, {
          idempotencyKey: request.headers['idempotency-key'],
          requestedBy: request.principal.name,
        });
        return reply.code(created ? 202 : 200).send({
          id: record.id,
          status: record.status,
          links: { self: deps.links.self(record.id), temporalUi: deps.links.temporalUi(record.workflowId) },
        });
      },
    );

    app.get(
      '/v1/deployments/:id',
      {
        schema: {
          tags: ['deployments'],
          operationId: 'getDeployment',
          summary: 'One deployment with its hosts and their steps',
          params: deploymentIdParam,
          response: { 200: deploymentViewSchema, ...errorAnswers([403, 404]) },
        },
      },
      async (request) => {
        const record = await deps.service.get(request.params.id);
        authorize(request, record.team);
        const [steps, places, fleet] = await Promise.all([
          deps.store.listSteps(record.id),
          deps.service.queuePlaces([record]),
          deps.service.fleetRequest(record),
        ]);
        return deploymentView(record, steps, deps.links, places.get(record.id), deps.docsUrl, fleet);
      },
    );

    app.get(
      '/v1/deployments',
      {
        schema: {
          tags: ['deployments'],
          operationId: 'listDeployments',
          summary: 'Deployments, newest first; `status=QUEUED` lists the queues, each with its place',
          querystring: z.object({
            application: slug.optional(),
            environment: slug.optional(),
            status: z.enum(DEPLOYMENT_STATUSES).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ deployments: z.array(deploymentSummary) }) },
        },
      },
      async (request) => {
        const { application, environment, status, limit } = request.query;
        // A team's token sees its own team's deployments only.
        const team = request.principal.admin ? undefined : request.principal.team;
        const records = await deps.store.listDeployments({ application, environment, team, status: status ? [status] : undefined, limit });
        const places = await deps.service.queuePlaces(records);
        return {
          deployments: records.map((r) => {
            const { hosts: _hosts, request: _request, ...view } = deploymentView(r, [], deps.links, places.get(r.id));
            return { ...view, hostCounts: hostCounts(r) };
          }),
        };
      },
    );
  };
