import type { ChefClient, Host } from './ports.ts';

/**
 * Searches `query` and keeps only the nodes the application's `scope` search
 * also finds. The query already ANDs the scope in; this makes the ceiling
 * hold even on a Chef server whose parser gets grouping wrong (goiardi does).
 */
export async function searchWithinScope(chef: ChefClient, query: string, scope: string): Promise<Host[]> {
  if (query === scope) return chef.searchNodes(query);
  const [found, allowed] = await Promise.all([chef.searchNodes(query), chef.searchNodes(scope)]);
  const inScope = new Set(allowed.map((h) => h.name));
  return found.filter((h) => inScope.has(h.name));
}
