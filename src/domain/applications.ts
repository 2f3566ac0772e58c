import { z } from 'zod';
import { slug } from './names.ts';
import { provisioningSectionSchema } from './provisioning-catalog.ts';

/**
 * Server-side facts about each application: where it lives on its hosts and
 * how it is restarted. These never come from a request body.
 */
const applicationSchema = z
  .object({
    team: slug,
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
  })
  .strict();

export const applicationsFileSchema = z
  .object({
    applications: z.record(slug, applicationSchema),
    /** Which provisioning job runs for each (stack, OS); absent: the default catalog. */
    provisioning: provisioningSectionSchema.optional(),
  })
  .strict();

export interface Application {
  name: string;
  team: string;
  installDir: string;
  restartCommand: string[];
  keepReleases: number;
}

export type ApplicationCatalog = ReadonlyMap<string, Application>;

export function buildCatalog(parsed: z.infer<typeof applicationsFileSchema>): ApplicationCatalog {
  const catalog = new Map<string, Application>();
  for (const [name, app] of Object.entries(parsed.applications)) {
    catalog.set(name, {
      name,
      team: app.team,
      installDir: app.installDir ?? `/opt/${name}`,
      restartCommand: app.restartCommand ?? ['systemctl', 'restart', name],
      keepReleases: app.keepReleases,
    });
  }
  return catalog;
}
