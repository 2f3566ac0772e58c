import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { errorAnswerName, errorAnswers } from './schemas.ts';

/**
 * What the OpenAPI document promises about every route, kept true as the
 * routes are registered rather than by each route remembering it: a route
 * whose input has a schema can answer 400, a route behind the bearer token
 * 401, and any route 500; an optional body is documented as optional; a
 * method a path does not serve answers 405 with `Allow`. The error answers
 * are written once, under `components` (shareErrorAnswers).
 *
 * Call before the routes are registered (the hook sees only later routes).
 */
export function installContract(app: FastifyInstance, options: { isOpen(url: string): boolean }): { transformObject: SwaggerTransformObject } {
  const paths = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  const optionalBodies = new Set<string>();

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    const known = paths.get(route.url) ?? { pattern: pathPattern(route.url), methods: new Set<string>() };
    for (const m of methods) known.methods.add(m);
    paths.set(route.url, known);

    const schema = route.schema as RouteSchema | undefined;
    if (!schema?.response || schema.hide) return;
    const validated = Boolean(schema.params || schema.querystring || schema.body || schema.headers);
    schema.response = {
      ...errorAnswers([...(validated ? [400 as const] : []), ...(options.isOpen(route.url) ? [] : [401 as const]), 500]),
      ...schema.response,
    };
    if (schema.body?.safeParse(undefined).success) {
      for (const m of methods) optionalBodies.add(`${m.toLowerCase()} ${openApiPath(route.url)}`);
    }
  });

  // Before the body is parsed: a body method without a route would otherwise fail on its content type first.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '';
    const allowed = new Set([...paths.values()].filter((p) => p.pattern.test(path)).flatMap((p) => [...p.methods]));
    // No such path, or one whose method the router has but did not match for a reason of its own: a 404 says so.
    if (allowed.size === 0 || allowed.has(request.method)) return;
    const allow = [...allowed, 'OPTIONS'].join(', ');
    if (request.method === 'OPTIONS') return reply.code(204).header('allow', allow).send();
    return reply
      .code(405)
      .header('allow', allow)
      .send({ error: 'MethodNotAllowed', message: `${request.method} is not served on ${path}; this path serves ${allow}` });
  });

  return {
    transformObject(document) {
      if (!('openapiObject' in document)) return document.swaggerObject;
      // The schemas registered with an id (the error bodies) as `#/components/schemas`.
      const openapi = jsonSchemaTransformObject(document) as typeof document.openapiObject;
      const paths = (openapi.paths ?? {}) as Record<string, Record<string, Operation>>;
      for (const [path, operations] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (operation.requestBody && optionalBodies.has(`${method} ${path}`)) operation.requestBody.required = false;
        }
      }
      // Always there: the transform above writes `components.schemas`.
      const components = openapi.components as Components;
      shareErrorAnswers(paths, components);
      dropUnusedSchemas(openapi, components);
      addLinks(paths);
      return openapi;
    },
  };
}

interface Operation {
  requestBody?: { required?: boolean };
  responses?: Record<string, Response>;
}
type Response = { description?: string; content?: Record<string, { schema?: { $ref?: string } }>; links?: Record<string, unknown>; $ref?: string };
type Components = { schemas?: Record<string, unknown>; responses?: Record<string, Response> };

const SCHEMA_REF = '#/components/schemas/';

/**
 * Each error answer (errorAnswers: a status's meaning, a JSON body that is a
 * registered schema) written once as `#/components/responses/<name>` and
 * referred to by every operation that answers it.
 */
function shareErrorAnswers(paths: Record<string, Record<string, Operation>>, components: Components): void {
  const shared: Record<string, Response> = {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const types = Object.keys(response.content ?? {});
        const ref = response.content?.['application/json']?.schema?.$ref;
        if (types.length !== 1 || !ref?.startsWith(SCHEMA_REF) || Object.keys(response).some((k) => k !== 'description' && k !== 'content')) continue;
        const name = errorAnswerName(status, response.description, ref.slice(SCHEMA_REF.length));
        if (!name) continue;
        if (shared[name] && JSON.stringify(shared[name]) !== JSON.stringify(response)) throw new Error(`two error answers named ${name}`);
        shared[name] = response;
        operation.responses![status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  if (Object.keys(shared).length > 0) components.responses = { ...components.responses, ...shared };
}

/** Registered schemas nothing refers to (the input twin the type provider writes of each output schema). */
function dropUnusedSchemas(openapi: object, components: Components): void {
  const schemas = components.schemas ?? {};
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  const used = new Set(refsIn({ ...openapi, components: { ...components, schemas: {} } }));
  const pending = [...used];
  while (pending.length > 0) {
    for (const id of refsIn(schemas[pending.pop()!] ?? {})) {
      if (used.has(id)) continue;
      used.add(id);
      pending.push(id);
    }
  }
  for (const id of Object.keys(schemas)) if (!used.has(id)) delete schemas[id];
}

/**
 * OpenAPI links: where the id in an answer leads next. Readers see them in
 * /docs; Schemathesis' stateful phase follows them (a VM request's id is not
 * a `/v1/vms/…` path, so it would not guess that one).
 */
const LINKS: { from: string; name: string; to: string; parameters: Record<string, string> }[] = [
  ...['', '/logs', '/pause', '/resume', '/cancel', '/approve', '/retry'].map((tail) => ({
    from: 'post /v1/deployments',
    name: `deployment${tail.replace('/', '-')}`,
    to: `${tail && tail !== '/logs' ? 'post' : 'get'} /v1/deployments/{id}${tail}`,
    parameters: { id: '$response.body#/id' },
  })),
  { from: 'post /v1/vms', name: 'vm-request', to: 'get /v1/vm-requests/{id}', parameters: { id: '$response.body#/id' } },
  { from: 'post /v1/vms', name: 'first-vm', to: 'get /v1/vms/{name}', parameters: { name: '$response.body#/vms/0/name' } },
];

function addLinks(paths: Record<string, Record<string, Operation>>): void {
  const operation = (ref: string) => {
    const [method = '', path = ''] = ref.split(' ');
    return { operation: paths[path]?.[method], ref: `#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}` };
  };
  for (const link of LINKS) {
    const from = operation(link.from).operation;
    const to = operation(link.to);
    if (!from || !to.operation) continue;
    for (const [status, response] of Object.entries(from.responses ?? {})) {
      if (!status.startsWith('2')) continue;
      response.links = { ...response.links, [link.name]: { operationRef: to.ref, parameters: link.parameters } };
    }
  }
}

interface RouteSchema {
  hide?: boolean;
  params?: unknown;
  querystring?: unknown;
  headers?: unknown;
  body?: ZodType;
  response?: Record<string | number, unknown>;
}

/** `/v1/deployments/:id/logs` → `/v1/deployments/{id}/logs`, as @fastify/swagger writes paths. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** A route template as a regular expression over a request's path (a parameter is one segment). */
function pathPattern(url: string): RegExp {
  const escaped = url
    .split(/(:\w+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`);
}
