import type { FastifyInstance } from 'fastify';
import { buildApp, linkBuilder } from '../../src/api/app.ts';
import type { DeploymentService } from '../../src/api/deployment-service.ts';
import type { DeployRequest } from '../../src/domain/deploy-request.ts';
import type { DeploymentRecord, DeploymentStatus, DeploymentStore } from '../../src/domain/deployment.ts';
import { ErrorType, VesemirError } from '../../src/domain/errors.ts';
import { createLogger } from '../../src/logger.ts';

/**
 * The real HTTP API on a port, its deployment service a stand-in: `create`
 * records what it was given, `get` answers the statuses of `script` one per
 * call (then the last), and an unknown id is not found.
 */
export async function scriptedApi(script: DeploymentStatus[]) {
  const created: { request: DeployRequest; idempotencyKey: string | undefined }[] = [];
  let record: DeploymentRecord | undefined;
  const service = {
    async create(request: DeployRequest, options: { idempotencyKey?: string }) {
      created.push({ request, idempotencyKey: options.idempotencyKey });
      record = {
        id: 'd-00000001',
        workflowId: 'deploy-d-00000001',
        ...request,
        requestedBy: 'ci',
        request,
        status: 'QUEUED',
        createdAt: new Date(0),
        loadBalancers: [],
        hosts: [],
      };
      return { record, created: true };
    },
    async get(id: string) {
      if (!record || id !== record.id) throw new VesemirError(ErrorType.NotFound, `deployment ${id} not found`);
      record = { ...record, status: script.length > 1 ? script.shift()! : script[0]! };
      return record;
    },
    queuePlaces: async () => new Map(),
    fleetRequest: async () => undefined,
  } as unknown as DeploymentService;
  const api: FastifyInstance = await buildApp({
    logger: createLogger('silent'),
    store: { listSteps: async () => [] } as unknown as DeploymentStore,
    deployments: service,
    links: linkBuilder('http://api', 'http://ui', 'default'),
  });
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  return { url, created, close: () => api.close() };
}
