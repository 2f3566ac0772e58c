import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse } from 'yaml';
import { z } from 'zod';
import { ErrorType, VesemirError } from '../domain/errors.ts';

/** Who is calling: a team's token, or an admin's (any team). */
export interface Principal {
  name: string;
  team?: string | undefined;
  admin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** With no tokens file every caller is this admin; main warns about it at start. */
export const ANONYMOUS: Principal = Object.freeze({ name: 'anonymous', admin: true });

const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/, 'expected the sha256 of the token, 64 lowercase hex digits');
const entry = z.union([
  z.strictObject({ name: z.string().min(1), team: z.string().min(1), sha256: sha256Hex }),
  z.strictObject({ name: z.string().min(1), admin: z.literal(true), sha256: sha256Hex }),
]);
const tokensFile = z.strictObject({ tokens: z.array(entry).min(1) });

interface TokenEntry {
  principal: Principal;
  hash: Buffer;
}
export type TokenTable = readonly TokenEntry[];

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Reads VESEMIR_TOKENS_FILE; only hashes are stored, so the file is not a secret by itself. */
export function loadTokens(path: string): TokenTable {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`VESEMIR_TOKENS_FILE ${path}: ${(err as Error).message}`);
  }
  const parsed = tokensFile.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
    throw new Error(`VESEMIR_TOKENS_FILE ${path}:\n  ${lines.join('\n  ')}`);
  }
  const seen = new Set<string>();
  for (const [i, t] of parsed.data.tokens.entries()) {
    if (seen.has(t.name) || seen.has(t.sha256)) throw new Error(`VESEMIR_TOKENS_FILE ${path}: tokens/${i}: name or sha256 used twice`);
    seen.add(t.name).add(t.sha256);
  }
  return parsed.data.tokens.map((t) => ({
    principal: Object.freeze('admin' in t ? { name: t.name, admin: true } : { name: t.name, team: t.team, admin: false }),
    hash: Buffer.from(t.sha256, 'hex'),
  }));
}

/** Looks at every entry whatever matches, comparing digests in constant time. */
export function findPrincipal(tokens: TokenTable, token: string): Principal | undefined {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: Principal | undefined;
  for (const t of tokens) {
    if (timingSafeEqual(t.hash, digest) && !found) found = t.principal;
  }
  return found;
}

/**
 * Route templates anyone may call: liveness, Prometheus and the OpenAPI UI.
 * Everything else that matches a route needs a token (deny by default, so a
 * new route is protected until someone opens it here).
 */
const OPEN_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/metrics']);
export const isOpen = (route: string) => OPEN_ROUTES.has(route) || route === '/docs' || route.startsWith('/docs/');

function unauthorized(reply: FastifyReply, message: string, challenge: string): FastifyReply {
  return reply.code(401).header('www-authenticate', challenge).send({ error: 'Unauthorized', message });
}

/**
 * Authenticates every request to a non-open route by its bearer token and
 * sets `request.principal`. Decides on the matched route template, not the
 * raw URL, so an encoded or oddly spelled path cannot slip past. Without
 * `tokens` auth is off and everyone is ANONYMOUS (an admin).
 */
export async function auth(app: FastifyInstance, options: { tokens?: TokenTable | undefined }): Promise<void> {
  const { tokens } = options;
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    request.principal = ANONYMOUS;
    const route = request.routeOptions.url;
    if (!tokens || route === undefined || isOpen(route)) return;
    const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) return unauthorized(reply, 'a bearer token is required (Authorization: Bearer <token>)', 'Bearer realm="vesemir"');
    const principal = findPrincipal(tokens, match[1]);
    if (!principal) {
      request.log.info({ route }, 'rejected an unknown bearer token');
      return unauthorized(reply, 'the bearer token is not valid', 'Bearer realm="vesemir", error="invalid_token"');
    }
    request.principal = principal;
  });
}
// Like fastify-plugin: the hook and the decorator apply to the whole app, not just a child context.
(auth as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

/** Whether the caller may act for `team`. */
export function mayActFor(principal: Principal, team: string): boolean {
  return principal.admin || principal.team === team;
}

/** 403 unless the caller is an admin or `team`'s own token. Call it in every route that reads or changes a team's things. */
export function authorize(request: FastifyRequest, team: string): void {
  const p = request.principal;
  // Fail closed: a route outside the auth plugin must not pass as anonymous admin.
  if (!p) throw new Error('authorize() called on a request the auth plugin did not see');
  if (mayActFor(p, team)) return;
  throw new VesemirError(ErrorType.Forbidden, `token '${p.name}' acts for team '${p.team ?? '(none)'}', not for '${team}'`);
}
