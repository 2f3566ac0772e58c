import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { DeploymentStore } from '../domain/deployment.ts';
import { METRICS_CONTENT_TYPE, metricsText } from '../metrics/exposition.ts';
import { installHttpMetrics } from '../metrics/http-metrics.ts';
import type { Metrics } from '../metrics/registry.ts';
import { auth, isOpen, type TokenTable } from './auth.ts';
import { installContract } from './contract.ts';
import type { DeploymentService } from './deployment-service.ts';
import type { LinkBuilder } from './deployment-views.ts';
import { deploymentsRoutes } from './deployments-routes.ts';
import { installErrorHandler } from './errors.ts';
import { fleetRecycleRoutes, type RecycleLinks } from './fleet-recycle-routes.ts';
import type { FleetRecycleService } from './fleet-recycle-service.ts';
import { refuseNullBodies, validatorCompiler } from './validation.ts';
import { type VmRoutesDeps, vmsRoutes } from './vms-routes.ts';

export interface AppDeps {
  logger: Logger;
  store: DeploymentStore;
  deployments: DeploymentService;
  links: LinkBuilder;
  /** Bearer tokens (loadTokens); absent: auth is off and every caller is an admin. */
  tokens?: TokenTable | undefined;
  /** Served open at /metrics and fed by every answer; absent: no /metrics route. */
  metrics?: Metrics | undefined;
  /** TEMPORAL_METRICS_BIND_ADDRESS: the SDK's exporter, appended to /metrics. */
  sdkMetricsBindAddress?: string | undefined;
  /** VM creation and the inventory; absent: no /v1/vms routes. */
  vms?: VmRoutesDeps | undefined;
  /** Fleet recycles, served with the VM routes; absent: they answer 503. */
  recycles?: { service: FleetRecycleService; links: RecycleLinks } | undefined;
  /** VESEMIR_DOCS_URL: the runbook every error's `docs` link points into. @default docs/runbook.md */
  docsUrl?: string | undefined;
}

/** The HTTP API, ready to `listen()` or to `inject()` in tests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  refuseNullBodies(app as unknown as FastifyInstance);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, deps.docsUrl);
  if (deps.metrics) installHttpMetrics(app as unknown as FastifyInstance, deps.metrics);
  await app.register(auth, { tokens: deps.tokens });
  const contract = installContract(app as unknown as FastifyInstance, { isOpen });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Vesemir', version: '0.1.0', description: 'Durable VM deployments and VM creation on Temporal' },
      tags: [{ name: 'deployments' }, { name: 'vms' }, { name: 'health' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: contract.transformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { tags: ['health'], operationId: 'getHealth', summary: 'Liveness', security: [] } }, async () => ({ status: 'ok' }));
  const { metrics } = deps;
  if (metrics) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(METRICS_CONTENT_TYPE).send(await metricsText(metrics, { sdkBindAddress: deps.sdkMetricsBindAddress })),
    );
  }
  await app.register(deploymentsRoutes({ service: deps.deployments, store: deps.store, links: deps.links, docsUrl: deps.docsUrl }));
  if (deps.vms) await app.register(vmsRoutes(deps.vms));
  if (deps.vms) await app.register(fleetRecycleRoutes(deps.recycles));
  return app as unknown as FastifyInstance;
}

export function linkBuilder(apiBaseUrl: string, temporalUiUrl: string, namespace: string): LinkBuilder {
  return {
    self: (id) => `${apiBaseUrl}/v1/deployments/${id}`,
    vmRequest: (id) => `${apiBaseUrl}/v1/vm-requests/${id}`,
    temporalUi: (workflowId) => `${temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
}
