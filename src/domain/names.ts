import { z } from 'zod';

/**
 * A zod `error` option that says what a field expects, in words a person can
 * act on: `required, <what>` when the field is missing, `expected <what>`
 * otherwise. A check with a message of its own (a pattern's) keeps it.
 */
export function expects(what: string): { error: (issue: { code?: string; input?: unknown }) => string | undefined } {
  return {
    // An unknown key is the object's fault, not a wrong value: the API's fallback names the key.
    error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : issue.input === undefined ? `required, ${what}` : `expected ${what}`),
  };
}

/**
 * Identifiers that end up in paths, Chef queries and remote commands. They are
 * allow-listed here so that nothing from a request can reach a shell line or
 * climb out of a directory: no spaces, quotes, `;`, `$`, `/` or `..`.
 */
export const slug = z
  .string(expects('a name of lowercase letters, digits and dashes'))
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (1-63, starting with a letter or digit)');

/** No `..` anywhere, said in the pattern itself (a dot is followed by another character or ends the string) so the OpenAPI document says it too. */
export const version = z
  .string(expects('a release version such as "1.4.2"'))
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9](?:\.?[A-Za-z0-9_+-])*\.?$/, 'must be letters, digits, ".", "_", "+", "-" (1-64, starting with a letter or digit, no "..")');

/** A Chef tag as used in `tags:<tag>` queries. */
export const chefTag = z.string(expects('a Chef tag')).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be letters, digits, "_", ".", ":", "-"');

/** A Chef environment's name, as Chef allows it. */
export const chefEnvironmentName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, "_", "-" (1-64)');

/** A recipe as in a run list: `cookbook` or `cookbook::recipe`. */
export const chefRecipe = z.string().regex(/^[A-Za-z0-9_.-]{1,64}(::[A-Za-z0-9_.-]{1,64})?$/, 'must be a recipe name like "cookbook" or "cookbook::recipe"');

/**
 * Extra Chef search terms. The characters are a first filter; the query is
 * then parsed (src/domain/chef-search.ts) and re-emitted escaped.
 */
export const chefQuery = z
  .string(expects('Chef search terms such as "role:web AND zone:eu-1"'))
  .max(512)
  .regex(/^[A-Za-z0-9_.:*?\- ()"]+$/, 'may only hold letters, digits, spaces and _ . : * ? - ( ) "');

export const haproxyName = z
  .string(expects('an HAProxy name of letters, digits, ".", "_", "-"'))
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, ".", "_", "-" (1-64)');

export const sha256 = z.string(expects('a SHA-256, 64 lowercase hex characters')).regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters');

export const httpPath = z
  .string(expects('an absolute URL path such as "/health"'))
  .regex(/^\/(?:\.?[A-Za-z0-9_~/-])*\.?$/, 'must be an absolute URL path of letters, digits and . _ ~ - / (no "..")');
