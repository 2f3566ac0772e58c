import { z } from 'zod';

/**
 * Identifiers that end up in paths, Chef queries and remote commands. They are
 * allow-listed here so that nothing from a request can reach a shell line or
 * climb out of a directory: no spaces, quotes, `;`, `$`, `/` or `..`.
 */
export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (1-63, starting with a letter or digit)');

export const version = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, 'must be letters, digits, ".", "_", "+", "-" (1-64, starting with a letter or digit)')
  .refine((v) => !v.includes('..'), 'must not contain ".."');

/** A Chef tag as used in `tags:<tag>` queries. */
export const chefTag = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be letters, digits, "_", ".", ":", "-"');

/** A Chef environment's name, as Chef allows it. */
export const chefEnvironmentName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, "_", "-" (1-64)');

/** A recipe as in a run list: `cookbook` or `cookbook::recipe`. */
export const chefRecipe = z.string().regex(/^[A-Za-z0-9_.-]{1,64}(::[A-Za-z0-9_.-]{1,64})?$/, 'must be a recipe name like "cookbook" or "cookbook::recipe"');

/**
 * Extra Chef search terms. The characters are a first filter; the query is
 * then parsed (src/domain/chef-search.ts) and re-emitted escaped.
 */
export const chefQuery = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_.:*?\- ()"]+$/, 'may only hold letters, digits, spaces and _ . : * ? - ( ) "');

export const haproxyName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, ".", "_", "-" (1-64)');

export const sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters');

export const httpPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be an absolute URL path of letters, digits and . _ ~ - /')
  .refine((p) => !p.includes('..'), 'must not contain ".."');
