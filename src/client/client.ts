import createClient from 'openapi-fetch';
import type { paths } from './api-types/index.ts';
import { ApiError, ConnectionError, errorBody, reasonOf } from './errors.ts';
import type {
  ControlAction,
  ControlAnswer,
  Created,
  DeploymentQuery,
  DeployRequest,
  DryRunPlan,
  LogQuery,
  RecycleAccepted,
  RecycleRequest,
  VmCreateRequest,
  VmQuery,
} from './types.ts';
import {
  type DeploymentWait,
  type RecycleWait,
  type VmDecommissionWait,
  type VmWait,
  waitForDecommission,
  waitForDeployment,
  waitForRecycle,
  waitForVms,
} from './wait.ts';

export interface VesemirClientOptions {
  /** The API's base URL. @default http://127.0.0.1:8080 */
  baseUrl?: string | undefined;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /** @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

type Answered<D> = { data?: D; error?: unknown; response: Response };

/**
 * The Vesemir API, typed from its OpenAPI document (src/client/api-types/, generated),
 * with the helpers a pipeline writes otherwise: wait for a deployment or a VM
 * request to end. Every failure is an ApiError (the API's error body) or a
 * ConnectionError (the API out of reach).
 */
export class VesemirClient {
  readonly baseUrl: string;
  private readonly http: ReturnType<typeof createClient<paths>>;

  constructor(options: VesemirClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    this.http = createClient<paths>({ baseUrl: this.baseUrl, headers, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }

  /** Starts a deployment; the same `idempotencyKey` answers the same deployment (200 instead of 202). */
  async deploy(body: DeployRequest, options: { idempotencyKey?: string | undefined } = {}): Promise<Created> {
    const answer = await this.call(this.http.POST('/v1/deployments', { body, params: { header: idempotency(options.idempotencyKey), query: {} } }));
    return answer as Created;
  }

  /** What `deploy` would do: the hosts, load balancers and phases; nothing is deployed. */
  async dryRun(body: DeployRequest): Promise<DryRunPlan> {
    const answer = await this.call(this.http.POST('/v1/deployments', { body, params: { query: { dryRun: 'true' }, header: {} } }));
    return answer as DryRunPlan;
  }

  getDeployment(id: string, init: { signal?: AbortSignal | undefined } = {}) {
    return this.call(this.http.GET('/v1/deployments/{id}', { params: { path: { id } }, signal: init.signal }));
  }

  listDeployments(query: DeploymentQuery = {}) {
    return this.call(this.http.GET('/v1/deployments', { params: { query } }));
  }

  logs(id: string, query: LogQuery = {}) {
    return this.call(this.http.GET('/v1/deployments/{id}/logs', { params: { path: { id }, query } }));
  }

  /** pause, resume, approve, retry, or cancel (`rollback`: also roll back the hosts already deployed). */
  async control(id: string, action: ControlAction, options: { rollback?: boolean } = {}): Promise<ControlAnswer> {
    const params = { path: { id } };
    if (action === 'cancel') return this.call(this.http.POST('/v1/deployments/{id}/cancel', { params, body: options.rollback ? { rollback: true } : {} }));
    return this.call(this.http.POST(`/v1/deployments/{id}/${action}`, { params, body: {} }));
  }

  /**
   * Rolls back a SUCCEEDED deployment: a new deployment (answered with its id and
   * `rollbackOf`) takes its DONE hosts back to the release each had before.
   * `force`: even though a later deploy has run since. Refusals are ApiError 409.
   */
  rollback(id: string, options: { force?: boolean | undefined; reason?: string | undefined } = {}) {
    const body = { ...(options.force ? { force: true } : {}), ...(options.reason ? { reason: options.reason } : {}) };
    return this.call(this.http.POST('/v1/deployments/{id}/rollback', { params: { path: { id } }, body }));
  }

  /** Polls a deployment until it ends and answers its last state; see DeploymentWait. */
  waitForDeployment(id: string, options: DeploymentWait = {}) {
    return waitForDeployment(this, id, options);
  }

  /** Asks for VMs; the same `idempotencyKey` answers the same request. */
  createVms(body: VmCreateRequest, options: { idempotencyKey?: string | undefined } = {}) {
    return this.call(this.http.POST('/v1/vms', { body, params: { header: idempotency(options.idempotencyKey) } }));
  }

  getVm(name: string, init: { signal?: AbortSignal | undefined } = {}) {
    return this.call(this.http.GET('/v1/vms/{name}', { params: { path: { name } }, signal: init.signal }));
  }

  listVms(query: VmQuery = {}) {
    return this.call(this.http.GET('/v1/vms', { params: { query } }));
  }

  getVmRequest(id: string, init: { signal?: AbortSignal | undefined } = {}) {
    return this.call(this.http.GET('/v1/vm-requests/{id}', { params: { path: { id } }, signal: init.signal }));
  }

  /** Polls a VM request until every VM is READY, FAILED or CANCELLED; see VmWait. */
  waitForVms(id: string, options: VmWait = {}) {
    return waitForVms(this, id, options);
  }

  /**
   * Decommissions a VM: drained and removed from HAProxy, the runner's job,
   * its Chef node deleted. Answers it DECOMMISSIONING (just started, or
   * already under way) or DECOMMISSIONED (done before); a repeat is harmless.
   */
  deleteVm(name: string) {
    return this.call(this.http.DELETE('/v1/vms/{name}', { params: { path: { name } } }));
  }

  /** Polls a VM until DECOMMISSIONED, or until its decommission failed (still DECOMMISSIONING, with `error`); see VmDecommissionWait. */
  waitForDecommission(name: string, options: VmDecommissionWait = {}) {
    return waitForDecommission(this, name, options);
  }

  /**
   * Recycles an application/environment's fleet onto a new OS, batch by batch
   * (new VMs created, deployed the running release, added to HAProxy; the old
   * drained and decommissioned). Answers its id; follow it with waitForRecycle.
   */
  async recycleFleet(body: RecycleRequest): Promise<RecycleAccepted> {
    return (await this.call(this.http.POST('/v1/fleet-recycles', { body }))) as RecycleAccepted;
  }

  getRecycle(id: string, init: { signal?: AbortSignal | undefined } = {}) {
    return this.call(this.http.GET('/v1/fleet-recycles/{id}', { params: { path: { id } }, signal: init.signal }));
  }

  /** pause (no new batch starts), resume, or cancel (the batch in flight is compensated unless its new VMs serve). */
  controlRecycle(id: string, action: 'pause' | 'resume' | 'cancel') {
    const params = { path: { id } };
    if (action === 'pause') return this.call(this.http.POST('/v1/fleet-recycles/{id}/pause', { params, body: {} }));
    if (action === 'resume') return this.call(this.http.POST('/v1/fleet-recycles/{id}/resume', { params, body: {} }));
    return this.call(this.http.POST('/v1/fleet-recycles/{id}/cancel', { params, body: {} }));
  }

  /** Polls a fleet recycle until SUCCEEDED, FAILED or CANCELLED; see RecycleWait. */
  waitForRecycle(id: string, options: RecycleWait = {}) {
    return waitForRecycle(this, id, options);
  }

  cancelVmRequest(id: string) {
    return this.call(this.http.POST('/v1/vm-requests/{id}/cancel', { params: { path: { id } } }));
  }

  /** The data of a 2xx, else an ApiError; a fetch that never got an answer is a ConnectionError. */
  private async call<D>(request: Promise<Answered<D>>): Promise<D> {
    let answered: Answered<D>;
    try {
      answered = await request;
    } catch (err) {
      if (err instanceof SyntaxError) throw new ApiError(200, this.baseUrl, { error: 'BadResponse', message: `not JSON from ${this.baseUrl}` });
      if ((err as Error).name === 'AbortError') throw err;
      throw new ConnectionError(this.baseUrl, reasonOf(err));
    }
    const { data, error, response } = answered;
    if (!response.ok) throw new ApiError(response.status, response.url, errorBody(error, response));
    return data as D;
  }
}

const idempotency = (key: string | undefined) => (key ? { 'idempotency-key': key } : {});
