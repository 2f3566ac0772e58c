/**
 * The Chef searches of a deploy. Kept free of zod so that the workflow bundle
 * (which builds these queries) does not carry the schema library: every
 * workflow instance would otherwise rebuild the schemas in its sandbox.
 */
export interface QueryInput {
  environment: string;
  chef: { tags: string[]; query?: string | undefined };
  haproxy: { chefTags: string[] };
}

/** The Chef query that finds the VMs of a deploy; recorded with it. */
export function hostQuery(req: Pick<QueryInput, 'environment' | 'chef'>): string {
  const terms = req.chef.tags.map((t) => `tags:${t}`);
  terms.push(`chef_environment:${req.environment}`);
  if (req.chef.query) terms.push(`(${req.chef.query})`);
  return terms.join(' AND ');
}

/** The Chef query that finds the HAProxy boxes in front of those VMs. */
export function loadBalancerQuery(req: Pick<QueryInput, 'environment' | 'haproxy'>): string {
  return [...req.haproxy.chefTags.map((t) => `tags:${t}`), `chef_environment:${req.environment}`].join(' AND ');
}
