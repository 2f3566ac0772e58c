import { ServiceError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, linkBuilder } from '../../src/api/app.ts';
import type { DeploymentService } from '../../src/api/deployment-service.ts';
import { VmRequestService } from '../../src/api/vm-request-service.ts';
import { vmLinkBuilder } from '../../src/api/vms-routes.ts';
import type { DeploymentStore } from '../../src/domain/deployment.ts';
import { ErrorType, VesemirError } from '../../src/domain/errors.ts';
import { DEFAULT_PROVISIONING_CATALOG } from '../../src/domain/provisioning-catalog.ts';
import type { VmStore } from '../../src/domain/vm.ts';
import { createLogger } from '../../src/logger.ts';

// What the OpenAPI document promises and the API keeps, without a fleet (the
// Schemathesis run in test/contract checks the same against the real service).
// The services are stand-ins: `d-0000000a` is out of Temporal's reach, any
// other deployment is not found.

type Operation = { parameters?: unknown[]; requestBody?: { required: boolean }; responses: Record<string, Response> };
type Response = {
  $ref?: string;
  description: string;
  links?: Record<string, { operationRef: string }>;
  content?: { 'application/json': { schema: { $ref?: string; required?: string[] } } };
};

let api: FastifyInstance;
let spec: { paths: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };

/** What a `#/components/…` reference stands for (the error answers and bodies are shared). */
function resolve<T extends { $ref?: string }>(value: T): T {
  if (!value.$ref) return value;
  const [, kind = '', name = ''] = /^#\/components\/(\w+)\/(\w+)$/.exec(value.$ref) ?? [];
  const target = spec.components?.[kind]?.[name] as T | undefined;
  expect(target, value.$ref).toBeDefined();
  return resolve(target!);
}
beforeAll(async () => {
  const unreachable = new ServiceError('Failed to describe workflow', {
    cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established', metadata: {} }),
  });
  const deployments = {
    get: async (id: string) => {
      if (id === 'd-0000000a') throw unreachable;
      throw new VesemirError(ErrorType.NotFound, `deployment ${id} not found`);
    },
  } as unknown as DeploymentService;
  const vmService = new VmRequestService({ store: {} as VmStore, client: {} as never, taskQueue: 'q', catalog: DEFAULT_PROVISIONING_CATALOG });
  api = await buildApp({
    logger: createLogger('silent'),
    store: {} as DeploymentStore,
    deployments,
    links: linkBuilder('http://api', 'http://ui', 'default'),
    vms: { service: vmService, store: {} as VmStore, links: vmLinkBuilder('http://api', 'http://ui', 'default') },
  });
  spec = (await api.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(async () => {
  await api?.close();
});

const operations = () =>
  Object.entries(spec.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op })));

describe('the OpenAPI document', () => {
  it('documents 400 wherever there is input, 401 and 500 everywhere, each a shared answer with the error body and its meaning', () => {
    expect(operations().length).toBeGreaterThanOrEqual(13);
    for (const { label, op } of operations()) {
      const statuses = Object.keys(op.responses);
      const hasInput = Boolean(op.parameters?.length || op.requestBody);
      expect(statuses, label).toEqual(expect.arrayContaining([...(hasInput ? ['400'] : []), '401', '500']));
      for (const status of statuses.filter((s) => s >= '400')) {
        expect(op.responses[status]!.$ref, `${label} ${status}: one of the shared error answers`).toMatch(/^#\/components\/responses\/\w+$/);
        const response = resolve(op.responses[status]!);
        const body = response.content?.['application/json'].schema;
        expect(body && resolve(body).required, `${label} ${status}`).toEqual(expect.arrayContaining(['error', 'message']));
        expect(response.description, `${label} ${status}`).not.toBe('Default Response');
      }
    }
    // The deployment controls, the fleet recycle's and the VM request's cancel.
    const controls = operations().filter(({ label }) => /^POST .*\{id\}\/(pause|resume|cancel|approve|retry)$/.test(label));
    expect(controls.map(({ label }) => label).sort()).toEqual([
      ...['approve', 'cancel', 'pause', 'resume', 'retry'].map((c) => `POST /v1/deployments/{id}/${c}`),
      ...['cancel', 'pause', 'resume'].map((c) => `POST /v1/fleet-recycles/{id}/${c}`),
      'POST /v1/vm-requests/{id}/cancel',
    ]);
    for (const { label, op } of controls) expect(Object.keys(op.responses), label).toEqual(expect.arrayContaining(['403', '404', '409', '503']));
  });

  it('says which bodies may be left out, and where the ids in an answer lead', () => {
    expect(spec.paths['/v1/deployments/{id}/pause']!.post!.requestBody!.required).toBe(false);
    expect(spec.paths['/v1/deployments/{id}/cancel']!.post!.requestBody!.required).toBe(false);
    expect(spec.paths['/v1/deployments']!.post!.requestBody!.required).toBe(true);
    const created = spec.paths['/v1/vms']!.post!.responses['202']!;
    expect(created.links?.['vm-request']).toEqual({ operationRef: '#/paths/~1v1~1vm-requests~1{id}/get', parameters: { id: '$response.body#/id' } });
    expect(spec.paths['/v1/deployments']!.post!.responses['202']!.links?.['deployment-cancel']?.operationRef).toBe(
      '#/paths/~1v1~1deployments~1{id}~1cancel/post',
    );
  });
});

describe('answers', () => {
  it('405 with Allow for a method a path does not serve; OPTIONS lists them; an unknown path stays 404', async () => {
    const allow = (res: { headers: Record<string, unknown> }) => String(res.headers.allow).split(', ').sort();
    const trace = await api.inject({ method: 'TRACE', url: '/healthz' });
    expect([trace.statusCode, allow(trace)]).toEqual([405, ['GET', 'HEAD', 'OPTIONS']]);
    expect(trace.json()).toMatchObject({ error: 'MethodNotAllowed' });
    // QUERY carries a body: the answer comes before Fastify asks for its content type.
    const query = await api.inject({ method: 'QUERY' as 'GET', url: '/v1/deployments?limit=1' });
    expect([query.statusCode, allow(query)]).toEqual([405, ['GET', 'HEAD', 'OPTIONS', 'POST']]);
    const del = await api.inject({ method: 'DELETE', url: '/v1/deployments/d-12345678' });
    expect([del.statusCode, allow(del)]).toEqual([405, ['GET', 'HEAD', 'OPTIONS']]);
    const options = await api.inject({ method: 'OPTIONS', url: '/v1/vms' });
    expect([options.statusCode, allow(options)]).toEqual([204, ['GET', 'HEAD', 'OPTIONS', 'POST']]);
    expect((await api.inject({ method: 'TRACE', url: '/v1/nothing-here' })).statusCode).toBe(404);
    expect((await api.inject({ method: 'GET', url: '/healthz/' })).statusCode).toBe(404);
  });

  it('400s that say what each field expects', async () => {
    const res = await api.inject({ method: 'POST', url: '/v1/deployments', payload: { application: 'shop', environment: 'production', team: 'payments' } });
    expect(res.statusCode).toBe(400);
    const { message, issues } = res.json();
    expect(message).toContain('body.concurrency: required, a number 1..500 or a ramp like [1, 2, "50%"]');
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'body.version', message: 'required, a release version such as "1.4.2"' },
        { field: 'body.artifact', message: expect.stringMatching(/^required, \{ url, sha256 \}/) },
        { field: 'body.healthCheck', message: expect.stringMatching(/^required, \{ port, path\?, timeoutSeconds\? \}/) },
      ]),
    );
    const typo = await api.inject({
      method: 'POST',
      url: '/v1/deployments',
      payload: { healthCheck: { port: 'http', timeout: 5 }, haproxy: { weight: 0 }, concurrency: ['x'], queue: 'yes' },
    });
    expect(typo.json().issues).toEqual(
      expect.arrayContaining([
        { field: 'body.healthCheck.port', message: 'expected a port 1..65535' },
        { field: 'body.healthCheck', message: 'not a field of this request: "timeout" (see the schema at /docs)' },
        { field: 'body.haproxy.weight', message: 'expected a percent 1..100' },
        { field: 'body.concurrency.0', message: 'must be a percentage like "50%"' },
        { field: 'body.queue', message: 'expected a boolean, got a string' },
      ]),
    );
    const limit = await api.inject({ method: 'GET', url: '/v1/deployments?limit=lots' });
    expect([limit.statusCode, limit.json().issues]).toEqual([400, [{ field: 'querystring.limit', message: 'expected a number' }]]);
  });

  it('takes a control without a body, and refuses a JSON null for one', async () => {
    expect((await api.inject({ method: 'POST', url: '/v1/deployments/d-12345678/pause' })).statusCode).toBe(404);
    const nullBody = await api.inject({
      method: 'POST',
      url: '/v1/deployments/d-12345678/pause',
      headers: { 'content-type': 'application/json' },
      payload: 'null',
    });
    expect([nullBody.statusCode, nullBody.json().issues]).toEqual([
      400,
      [{ field: 'body', message: 'expected an object, got null (leave the body out instead)' }],
    ]);
  });

  it('503 when Temporal is out of reach; 422 for VM names no hostname can hold', async () => {
    const cancel = await api.inject({ method: 'POST', url: '/v1/deployments/d-0000000a/cancel' });
    expect([cancel.statusCode, cancel.json()]).toEqual([
      503,
      expect.objectContaining({ error: 'TemporalUnavailable', message: 'Temporal could not be reached: No connection established' }),
    ]);
    const payload = { application: 'a'.repeat(40), environment: 'production', team: 'payments', stack: 'java', osVersion: 'ubuntu-22.04', count: 1 };
    const long = await api.inject({ method: 'POST', url: '/v1/vms', payload });
    expect([long.statusCode, long.json().error, long.json().field]).toEqual([422, 'VmNameTooLong', 'application']);
    expect(long.json().message).toMatch(/VM names a{40}-production-java-ubuntu-2204-NNN would be over 63 characters/);
  });
});
