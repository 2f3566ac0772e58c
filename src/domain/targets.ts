import type { Application } from './applications.ts';
import { ChefQuerySyntaxError, chefTerm, chefValue, parseChefQuery } from './chef-search.ts';
import { ErrorType, VesemirError } from './errors.ts';

/**
 * Where a deploy may go, decided in one place for the API (create and dry
 * run) and the worker (discover). The application's scope from the server's
 * file is the ceiling; the request can only narrow it. Free of zod: the
 * workflow bundle may import domain code.
 */

/** The parts of a deploy request that say where it goes (old clients still send tags, backend and LB tags). */
export interface TargetRequest {
  application: string;
  environment: string;
  chef?: { tags?: string[] | undefined; query?: string | undefined } | undefined;
  haproxy?: { backend?: string | undefined; chefTags?: string[] | undefined } | undefined;
}

export interface Targets {
  /** The escaped Chef search for the hosts: what is recorded and shown. */
  hostQuery: string;
  loadBalancerQuery: string;
  /**
   * The application's own scope, without the request's narrowing. A search
   * result is kept only where it is also in the scope's result, so a Chef
   * server that misreads a group (goiardi reads `a AND (b OR c)` as
   * `(a AND b) OR c`) still cannot widen a deploy.
   */
  hostScopeQuery: string;
  loadBalancerScopeQuery: string;
  backend: string;
}

/**
 * A request the application's scope does not allow. `malformed`: the value
 * cannot be a search at all (InvalidTarget); `outside-scope`: it names
 * something the application may not touch (OutsideApplicationScope).
 * `field` is the request field, dotted.
 */
export class TargetError extends VesemirError {
  override readonly name = 'TargetError';
  declare readonly field: string;

  constructor(
    field: string,
    readonly reason: 'malformed' | 'outside-scope',
    message: string,
  ) {
    super(reason === 'malformed' ? ErrorType.InvalidTarget : ErrorType.OutsideApplicationScope, `${field}: ${message}`, { field });
  }
}

export function resolveTargets(app: Application, request: TargetRequest): Targets {
  const { environment } = request;
  if (!app.environments.includes(environment)) {
    throw new TargetError('environment', 'outside-scope', `application '${app.name}' may be deployed to ${app.environments.join(', ')}, not '${environment}'`);
  }
  const chefEnvironment = chefTerm('chef_environment', app.chef.environments[environment] ?? environment);

  const backend = request.haproxy?.backend ?? app.haproxy.backends[0]!;
  if (!app.haproxy.backends.includes(backend)) {
    throw new TargetError('haproxy.backend', 'outside-scope', `application '${app.name}' may use backend ${app.haproxy.backends.join(', ')}, not '${backend}'`);
  }

  const hostScope = [...tagTerms(app.chef.tags), chefEnvironment];
  const query = request.chef?.query;
  // The group goes first: goiardi evaluates a leading group correctly, a trailing one not.
  const hostTerms = [...(query === undefined ? [] : [`(${parsed(query)})`]), ...hostScope, ...tagTerms(extra(app.chef.tags, request.chef?.tags))];

  const lbScope = [...(app.haproxy.lbRecipe === undefined ? tagTerms(app.haproxy.lbChefTags) : [recipeTerm(app.haproxy.lbRecipe)]), chefEnvironment];
  const lbTerms = [...lbScope, ...tagTerms(extra(app.haproxy.lbChefTags, request.haproxy?.chefTags))];

  return {
    hostQuery: hostTerms.join(' AND '),
    loadBalancerQuery: lbTerms.join(' AND '),
    hostScopeQuery: hostScope.join(' AND '),
    loadBalancerScopeQuery: lbScope.join(' AND '),
    backend,
  };
}

/**
 * The HAProxy backend of a deploy run: what discover resolved, or on a retry
 * run what the first run recorded; runs from before either fall back to the
 * request's (a required field in the requests of those days).
 */
export function runBackend(found: { targets?: { backend: string } | undefined; backend?: string | undefined }, request: TargetRequest): string {
  return found.targets?.backend ?? found.backend ?? request.haproxy?.backend ?? '';
}

function tagTerms(tags: readonly string[]): string[] {
  return tags.map((t) => chefTerm('tags', t));
}

/** The request's tags not already in the scope: each one narrows, none widens. */
function extra(scope: readonly string[], requested: readonly string[] | undefined): string[] {
  return [...new Set(requested ?? [])].filter((t) => !scope.includes(t));
}

/**
 * `recipe` is what goiardi and Chef index from the run list; `recipes` is the
 * expanded list a chef-client run reports (a recipe reached through a role).
 */
function recipeTerm(recipe: string): string {
  const value = chefValue(recipe);
  return `(recipe:${value} OR recipes:${value})`;
}

function parsed(query: string): string {
  try {
    return parseChefQuery(query);
  } catch (err) {
    if (err instanceof ChefQuerySyntaxError) throw new TargetError('chef.query', 'malformed', err.message);
    throw err;
  }
}
