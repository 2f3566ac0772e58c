import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RecycleRecord } from '../adapters/store/recycle-store.ts';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { recycleDeploymentId, recycleRequestSchema } from '../domain/fleet-recycle.ts';
import { type FleetRecycleService, RECYCLE_CONTROLS } from './fleet-recycle-service.ts';
import { errorAnswers, recycleAccepted, recycleControlAnswer, recycleView } from './schemas.ts';

export interface RecycleLinks {
  recycle(id: string): string;
  deployment(id: string): string;
  temporalUi(workflowId: string): string;
}

const idParam = z.object({ id: z.string().regex(/^fr-[a-f0-9-]{8,64}$/, 'is not a fleet recycle id') });

export function recycleToView(r: RecycleRecord, links: RecycleLinks): z.infer<typeof recycleView> {
  return {
    id: r.id,
    application: r.application,
    environment: r.environment,
    team: r.team,
    requestedBy: r.requestedBy,
    status: r.status,
    fromOsVersion: r.request.fromOsVersion ?? null,
    toOsVersion: r.request.toOsVersion,
    batchSize: r.request.batchSize,
    maxFailedBatches: r.request.maxFailedBatches,
    release: r.release ?? null,
    batches: r.batches.map((b) => ({
      index: b.index,
      status: b.status,
      error: b.error ?? null,
      old: b.old.map((vm) => ({ name: vm.name, status: vm.status, error: vm.error ?? null })),
      new: b.new.map((vm) => ({ name: vm.name, status: vm.status, error: vm.error ?? null })),
    })),
    counts: { before: r.countsBefore ?? null, after: r.countsAfter ?? null },
    error: r.error ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    links: { self: links.recycle(r.id), temporalUi: links.temporalUi(r.workflowId), deployment: links.deployment(recycleDeploymentId(r.id)) },
  };
}

/** `POST /v1/fleet-recycles`, its status and its controls (docs/vms.md, "Recycling a fleet onto a new OS"). */
export const fleetRecycleRoutes =
  (configured: { service: FleetRecycleService; links: RecycleLinks } | undefined): FastifyPluginAsyncZod =>
  async (app) => {
    // Served (and documented) with the VM routes; a server built without its store answers 503.
    const use = () => {
      if (!configured) throw new VesemirError(ErrorType.ProvisioningNotConfigured, 'fleet recycles are not configured on this server');
      return configured;
    };
    app.post(
      '/v1/fleet-recycles',
      {
        schema: {
          tags: ['vms'],
          operationId: 'createFleetRecycle',
          summary: 'Recycle a fleet onto a new OS (202): batch by batch, new VMs serve before the old are decommissioned',
          body: recycleRequestSchema,
          response: { 202: recycleAccepted, ...errorAnswers([400, 403, 409, 422, 503]) },
        },
      },
      async (request, reply) => {
        const deps = use();
        const record = await deps.service.start(request.body, request.principal);
        return reply.code(202).send({
          id: record.id,
          status: record.status,
          links: { self: deps.links.recycle(record.id), temporalUi: deps.links.temporalUi(record.workflowId) },
        });
      },
    );

    app.get(
      '/v1/fleet-recycles/:id',
      {
        schema: {
          tags: ['vms'],
          operationId: 'getFleetRecycle',
          summary: 'A fleet recycle: status, batches, each VM, READY VMs per OS before and after',
          params: idParam,
          response: { 200: recycleView, ...errorAnswers([403, 404, 503]) },
        },
      },
      async (request) => recycleToView(await use().service.get(request.params.id, request.principal), use().links),
    );

    for (const action of RECYCLE_CONTROLS) {
      app.post(
        `/v1/fleet-recycles/:id/${action}`,
        {
          schema: {
            tags: ['vms'],
            operationId: `${action}FleetRecycle`,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} a fleet recycle`,
            params: idParam,
            body: z.object({}).strict().optional(),
            response: { 200: recycleControlAnswer, 202: recycleControlAnswer, ...errorAnswers([403, 404, 409, 503]) },
          },
        },
        async (request, reply) => {
          const { service } = use();
          const record = await service.get(request.params.id, request.principal);
          const { pending, ...answer } = await service.control(record, action);
          return reply.code(pending ? 202 : 200).send(answer);
        },
      );
    }
  };
