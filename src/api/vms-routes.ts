import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorType, VesemirError } from '../domain/errors.ts';
import { slug } from '../domain/names.ts';
import { osVersion, VM_STATUSES, type VmRecord, type VmRequestRecord, type VmStore, vmRequestSchema } from '../domain/vm.ts';
import { authorize } from './auth.ts';
import { errorAnswers, idempotencyHeaders, vmErrorResponse } from './schemas.ts';
import type { VmDecommissionService } from './vm-decommission-service.ts';
import type { VmRequestService } from './vm-request-service.ts';

export interface VmLinkBuilder {
  vm(name: string): string;
  request(id: string): string;
  temporalUi(workflowId: string): string;
}

export function vmLinkBuilder(apiBaseUrl: string, temporalUiUrl: string, namespace: string): VmLinkBuilder {
  return {
    vm: (name) => `${apiBaseUrl}/v1/vms/${name}`,
    request: (id) => `${apiBaseUrl}/v1/vm-requests/${id}`,
    temporalUi: (workflowId) => `${temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
}

export interface VmRoutesDeps {
  service: VmRequestService;
  store: VmStore;
  links: VmLinkBuilder;
  /** `DELETE /v1/vms/{name}`; without it the route answers 503. */
  decommission?: VmDecommissionService | undefined;
}

const vmParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a VM name') });

const requestLinks = z.object({ self: z.string(), temporalUi: z.string() });
const transitionView = z.object({ from: z.enum(VM_STATUSES).nullable(), to: z.enum(VM_STATUSES), at: z.string(), reason: z.string().nullable() });
export const vmView = z.object({
  name: z.string(),
  requestId: z.string(),
  application: z.string(),
  environment: z.string(),
  team: z.string(),
  stack: z.string(),
  osVersion: z.string(),
  machineType: z.string(),
  status: z.enum(VM_STATUSES),
  address: z.string().nullable(),
  jobName: z.string().nullable(),
  error: z.string().nullable(),
  /** Tries of the step in progress that did not succeed yet: submission while REQUESTED, polls while PROVISIONING. */
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  transitions: z.array(transitionView),
  links: z.object({ self: z.string(), request: z.string() }),
});
const acceptedResponse = z.object({ id: z.string(), vms: z.array(z.object({ name: z.string(), status: z.enum(VM_STATUSES) })), links: requestLinks });
const requestView = z.object({
  id: z.string(),
  application: z.string(),
  environment: z.string(),
  team: z.string(),
  stack: z.string(),
  osVersion: z.string(),
  machineType: z.string(),
  count: z.number().int(),
  requestedBy: z.string(),
  createdAt: z.string(),
  vms: z.array(vmView),
  links: requestLinks,
});
const cancelView = z.object({
  id: z.string(),
  message: z.string(),
  vms: z.array(z.object({ name: z.string(), status: z.enum(VM_STATUSES), jobName: z.string().nullable() })),
});
const requestParams = z.object({ id: z.string().regex(/^vr-[a-f0-9-]{8,64}$/, 'is not a VM request id') });
const countsView = z.object({
  total: z.number().int(),
  byStack: z.record(z.string(), z.number().int()),
  byOsVersion: z.record(z.string(), z.number().int()),
  byPlatform: z.array(z.object({ stack: z.string(), osVersion: z.string(), count: z.number().int() })),
});

function toView(vm: VmRecord, links: VmLinkBuilder): z.infer<typeof vmView> {
  return {
    ...vm,
    address: vm.address ?? null,
    jobName: vm.jobName ?? null,
    error: vm.error ?? null,
    lastError: vm.lastError ?? null,
    createdAt: vm.createdAt.toISOString(),
    updatedAt: vm.updatedAt.toISOString(),
    transitions: vm.transitions.map((t) => ({ from: t.from, to: t.to, at: t.at.toISOString(), reason: t.reason ?? null })),
    links: { self: links.vm(vm.name), request: links.request(vm.requestId) },
  };
}

const requestLinksOf = (r: VmRequestRecord, links: VmLinkBuilder) => ({ self: links.request(r.id), temporalUi: links.temporalUi(r.workflowId) });

export const vmsRoutes =
  (deps: VmRoutesDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const requestOf = async (id: string) => {
      const record = await deps.store.getRequest(id);
      if (!record) throw new VesemirError(ErrorType.NotFound, `VM request ${id} not found`);
      return record;
    };

    app.post(
      '/v1/vms',
      {
        schema: {
          tags: ['vms'],
          operationId: 'createVms',
          summary: 'Create VMs (202): one provisioning job per VM; the same Idempotency-Key returns the same request',
          headers: idempotencyHeaders,
          body: vmRequestSchema,
          response: { 200: acceptedResponse, 202: acceptedResponse, ...errorAnswers([400, 403]), ...errorAnswers([422, 503], vmErrorResponse) },
        },
      },
      async (request, reply) => {
        authorize(request, request.body.team);
        const { record, created } = await deps.service.create(request.body, {
          idempotencyKey: request.headers['idempotency-key'],
          requestedBy: request.principal.name,
        });
        return reply.code(created ? 202 : 200).send({
          id: record.id,
          vms: record.vms.map((vm) => ({ name: vm.name, status: vm.status })),
          links: requestLinksOf(record, deps.links),
        });
      },
    );

    app.get(
      '/v1/vms/:name',
      {
        schema: {
          tags: ['vms'],
          operationId: 'getVm',
          summary: 'One VM with its status and transitions',
          params: vmParams,
          response: { 200: vmView, ...errorAnswers([403, 404]) },
        },
      },
      async (request) => {
        const vm = await deps.store.getVm(request.params.name);
        if (!vm) throw new VesemirError(ErrorType.NotFound, `VM ${request.params.name} not found`);
        authorize(request, vm.team);
        return toView(vm, deps.links);
      },
    );

    app.delete(
      '/v1/vms/:name',
      {
        schema: {
          tags: ['vms'],
          operationId: 'decommissionVm',
          summary:
            'Decommission a VM (202): drained and removed from its HAProxy backends, the runner’s decommission job, its Chef node deleted, then DECOMMISSIONED; 200 when it is already; a repeat is harmless',
          params: vmParams,
          response: { 200: vmView, 202: vmView, ...errorAnswers([403, 404, 409, 422, 503]) },
        },
      },
      async (request, reply) => {
        const vm = await deps.store.getVm(request.params.name);
        if (!vm) throw new VesemirError(ErrorType.NotFound, `VM ${request.params.name} not found`);
        authorize(request, vm.team);
        if (!deps.decommission) throw new VesemirError(ErrorType.ProvisioningNotConfigured, 'decommissioning is not configured on this server');
        const { vm: now, started } = await deps.decommission.decommission(vm, request.principal);
        return reply.code(started ? 202 : 200).send(toView(now, deps.links));
      },
    );

    app.get(
      '/v1/vms',
      {
        schema: {
          tags: ['vms'],
          operationId: 'listVms',
          summary: 'The VM inventory, by name, with counts per stack and OS over the same filter',
          querystring: z.object({
            application: slug.optional(),
            environment: slug.optional(),
            status: z.enum(VM_STATUSES).optional(),
            osVersion: osVersion.optional(),
            stack: slug.optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ vms: z.array(vmView), counts: countsView }) },
        },
      },
      async (request) => {
        const { limit, ...query } = request.query;
        // A team's token sees its own team's VMs only.
        const filter = request.principal.admin ? query : { ...query, team: request.principal.team };
        const [vms, counts] = await Promise.all([deps.store.listVms({ ...filter, limit }), deps.store.countVms(filter)]);
        return { vms: vms.map((vm) => toView(vm, deps.links)), counts };
      },
    );

    app.get(
      '/v1/vm-requests/:id',
      {
        schema: {
          tags: ['vms'],
          operationId: 'getVmRequest',
          summary: 'One VM request with its VMs',
          params: requestParams,
          response: { 200: requestView, ...errorAnswers([403, 404]) },
        },
      },
      async (request) => {
        const record = await requestOf(request.params.id);
        authorize(request, record.team);
        const { workflowId: _workflowId, ...rest } = record;
        return {
          ...rest,
          createdAt: record.createdAt.toISOString(),
          vms: record.vms.map((vm) => toView(vm, deps.links)),
          links: requestLinksOf(record, deps.links),
        };
      },
    );

    app.post(
      '/v1/vm-requests/:id/cancel',
      {
        schema: {
          tags: ['vms'],
          operationId: 'cancelVmRequest',
          summary: 'Cancel a VM request (202): polling stops, unfinished VMs become CANCELLED; jobs already submitted are left to the runner',
          params: requestParams,
          body: z.object({}).strict().optional(),
          response: { 202: cancelView, ...errorAnswers([403, 404, 409, 503]) },
        },
      },
      async (request, reply) => {
        const record = await requestOf(request.params.id);
        authorize(request, record.team);
        return reply.code(202).send(await deps.service.cancel(record));
      },
    );
  };
