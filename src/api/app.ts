import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { DeploymentStore } from '../domain/deployment.ts';
import type { DeploymentService } from './deployment-service.ts';
import type { LinkBuilder } from './deployment-views.ts';
import { deploymentsRoutes } from './deployments-routes.ts';
import { installErrorHandler } from './errors.ts';

export interface AppDeps {
  logger: Logger;
  store: DeploymentStore;
  deployments: DeploymentService;
  links: LinkBuilder;
}

/** The HTTP API, ready to `listen()` or to `inject()` in tests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Vesemir', version: '0.1.0', description: 'Durable VM deployments and VM creation on Temporal' },
      tags: [{ name: 'deployments' }, { name: 'health' }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  await app.register(deploymentsRoutes({ service: deps.deployments, store: deps.store, links: deps.links }));
  return app as unknown as FastifyInstance;
}

export function linkBuilder(apiBaseUrl: string, temporalUiUrl: string, namespace: string): LinkBuilder {
  return {
    self: (id) => `${apiBaseUrl}/v1/deployments/${id}`,
    temporalUi: (workflowId) => `${temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
}
