/** Names for the API's shapes, all read from the generated api-types/: nothing here is written by hand. */
import type { paths } from './api-types/index.ts';

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Answer<P extends keyof paths, M extends 'get' | 'post', S extends number> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? Json<R[S]>
    : never
  : never;
type Body<P extends keyof paths> = paths[P]['post'] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Query<P extends keyof paths> = paths[P]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** `POST /v1/deployments`: what to deploy, where, and how. */
export type DeployRequest = Body<'/v1/deployments'>;
/** The 202 of a new deployment (200 when an Idempotency-Key found it again). */
export type Created = Answer<'/v1/deployments', 'post', 202>;
/** `POST /v1/deployments?dryRun=true`: what would be deployed, in which phases. */
export type DryRunPlan = Extract<Answer<'/v1/deployments', 'post', 200>, { dryRun: true }>;
/** `GET /v1/deployments/{id}`: its hosts, their steps, and the request as accepted. */
export type Deployment = Answer<'/v1/deployments/{id}', 'get', 200>;
export type DeploymentStatus = Deployment['status'];
export type Host = Deployment['hosts'][number];
export type Step = Host['steps'][number];
/** A row of `GET /v1/deployments`: the deployment without hosts, with their counts. */
export type DeploymentSummary = Answer<'/v1/deployments', 'get', 200>['deployments'][number];
export type DeploymentQuery = Query<'/v1/deployments'>;
/** What pause, resume, approve, retry and cancel answer. */
export type ControlAnswer = Answer<'/v1/deployments/{id}/pause', 'post', 200>;
export type ControlAction = 'pause' | 'resume' | 'approve' | 'retry' | 'cancel';
/** One execution of one step with its whole output. */
export type LogStep = Answer<'/v1/deployments/{id}/logs', 'get', 200>['steps'][number];
export type LogQuery = Query<'/v1/deployments/{id}/logs'>;

/** `POST /v1/vms`: VMs of one application, stack and OS. */
export type VmCreateRequest = Body<'/v1/vms'>;
export type VmAccepted = Answer<'/v1/vms', 'post', 202>;
export type Vm = Answer<'/v1/vms/{name}', 'get', 200>;
export type VmList = Answer<'/v1/vms', 'get', 200>;
export type VmQuery = Query<'/v1/vms'>;
/** `GET /v1/vm-requests/{id}`: a request and its VMs. */
export type VmRequest = Answer<'/v1/vm-requests/{id}', 'get', 200>;
/** `POST /v1/fleet-recycles` and `GET /v1/fleet-recycles/{id}`. */
export type RecycleRequest = Body<'/v1/fleet-recycles'>;
export type RecycleAccepted = Answer<'/v1/fleet-recycles', 'post', 202>;
export type Recycle = Answer<'/v1/fleet-recycles/{id}', 'get', 200>;
export type RecycleControlAnswer = Answer<'/v1/fleet-recycles/{id}/pause', 'post', 200>;
export type VmCancelled = Answer<'/v1/vm-requests/{id}/cancel', 'post', 202>;
/** Every error status answers this body; `docs` links its runbook section. */
export type ErrorBody = Answer<'/v1/deployments/{id}', 'get', 404>;
