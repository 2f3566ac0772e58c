import { z } from 'zod';
import { type FleetDeclaration, fleetSchema, validateFleets } from './fleet.ts';
import { chefEnvironmentName, chefRecipe, chefTag, haproxyName, slug } from './names.ts';
import { provisioningSectionSchema } from './provisioning-catalog.ts';

/** Where the application's hosts are in Chef: every host search ANDs all of `tags` in. */
const chefScopeSchema = z
  .object({
    tags: z.array(chefTag).min(1).max(16),
    /** Chef environment name per deploy environment. @default the same name */
    environments: z.record(slug, chefEnvironmentName).optional(),
  })
  .strict();

/** The HAProxy side: the backends a request may name (the first is the default) and how its LB boxes are found. */
const haproxyScopeSchema = z
  .object({
    backends: z.array(haproxyName).min(1).max(16),
    /** Chef tags of the application's LB boxes, all ANDed. */
    lbChefTags: z.array(chefTag).min(1).max(16).optional(),
    /** Or: the recipe on the LB boxes' run list, e.g. `haproxy::shop`. */
    lbRecipe: chefRecipe.optional(),
  })
  .strict()
  .refine((h) => (h.lbChefTags === undefined) !== (h.lbRecipe === undefined), {
    message: 'give exactly one of lbChefTags and lbRecipe',
    path: ['lbChefTags'],
  });

/**
 * Server-side facts about each application: the fleet it may touch (the
 * ceiling of every request), where it lives on its hosts and how it is
 * restarted. These never come from a request body.
 */
const applicationSchema = z
  .object({
    team: slug,
    /** The environments it may be deployed to. */
    environments: z.array(slug).min(1).max(32),
    chef: chefScopeSchema,
    haproxy: haproxyScopeSchema,
    /** @default /opt/<application> */
    installDir: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]+$/, 'must be an absolute path of letters, digits, ".", "_", "-", "/"')
      .refine((p) => !p.includes('..'), 'must not contain ".."')
      .optional(),
    /** argv run on the host after the `current` switch. @default ["systemctl", "restart", "<application>"] */
    restartCommand: z.array(z.string().min(1)).min(1).optional(),
    /** Releases kept on each host, the current one included. @default 5 */
    keepReleases: z.number().int().min(2).max(100).default(5),
    /** The VMs a first deploy to an environment with no host creates (docs/vms.md). @default none: such a deploy fails, no hosts */
    fleet: fleetSchema.optional(),
  })
  .strict()
  .superRefine((app, ctx) => {
    const notOurs = (path: (string | number)[], env: string) =>
      ctx.addIssue({ code: 'custom', path, message: `'${env}' is not one of environments (${app.environments.join(', ')})` });
    for (const env of Object.keys(app.chef.environments ?? {})) {
      if (!app.environments.includes(env)) notOurs(['chef', 'environments', env], env);
    }
    for (const env of Object.keys(app.fleet?.count ?? {})) {
      if (!app.environments.includes(env)) notOurs(['fleet', 'count', env], env);
    }
  });

export const applicationsFileSchema = z
  .object({
    applications: z.record(slug, applicationSchema),
    /** Which provisioning job runs for each (stack, OS); absent: the default catalog. */
    provisioning: provisioningSectionSchema.optional(),
  })
  .strict()
  // A declared fleet must be one the file's catalog (or the default) can build.
  .superRefine((file, ctx) => validateFleets(file, ctx));

export interface Application {
  name: string;
  team: string;
  environments: string[];
  chef: { tags: string[]; environments: Readonly<Record<string, string>> };
  /** Exactly one of `lbChefTags` (non-empty) and `lbRecipe` is set. */
  haproxy: { backends: string[]; lbChefTags: string[]; lbRecipe?: string | undefined };
  installDir: string;
  restartCommand: string[];
  keepReleases: number;
  /** VMs to create on the first deploy to an environment where Chef finds none. */
  fleet?: FleetDeclaration | undefined;
}

export type ApplicationCatalog = ReadonlyMap<string, Application>;

export function buildCatalog(parsed: z.infer<typeof applicationsFileSchema>): ApplicationCatalog {
  const catalog = new Map<string, Application>();
  for (const [name, app] of Object.entries(parsed.applications)) {
    catalog.set(name, {
      name,
      team: app.team,
      environments: app.environments,
      chef: { tags: app.chef.tags, environments: app.chef.environments ?? {} },
      haproxy: { backends: app.haproxy.backends, lbChefTags: app.haproxy.lbChefTags ?? [], lbRecipe: app.haproxy.lbRecipe },
      installDir: app.installDir ?? `/opt/${name}`,
      restartCommand: app.restartCommand ?? ['systemctl', 'restart', name],
      keepReleases: app.keepReleases,
      fleet: app.fleet,
    });
  }
  return catalog;
}
