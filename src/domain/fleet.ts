import { z } from 'zod';
import type { Application } from './applications.ts';
import type { FleetToCreate } from './fleet-budget.ts';
import { slug } from './names.ts';
import { buildProvisioningCatalog, DEFAULT_PROVISIONING_CATALOG, findPlatform, type ProvisioningSection } from './provisioning-catalog.ts';
import { machineType, osVersion } from './vm.ts';
import { MAX_VM_NAME_LENGTH, prefixFits, vmNamePrefix } from './vm-naming.ts';

/**
 * An application's declared fleet: what its first deploy to an environment
 * where Chef finds no host creates (docs/vms.md, "VMs created on the first deploy").
 */
export const fleetSchema = z
  .object({
    stack: slug,
    osVersion,
    /** @default the catalog's first machine type for (stack, osVersion) */
    machineType: machineType.optional(),
    /** VMs per environment; an environment not listed gets none. */
    count: z
      .record(slug, z.number().int().min(1, 'must be 1..50').max(50, 'must be 1..50'))
      .refine((c) => Object.keys(c).length > 0, 'must name at least one environment'),
  })
  .strict();

export type FleetDeclaration = z.infer<typeof fleetSchema>;

interface FileWithFleets {
  applications: Record<string, { environments: string[]; fleet?: FleetDeclaration | undefined }>;
  provisioning?: ProvisioningSection | undefined;
}

/** Every declared fleet must be one the file's provisioning catalog (or the default) builds, with names that fit a hostname. */
export function validateFleets(file: FileWithFleets, ctx: z.RefinementCtx): void {
  const catalog = file.provisioning ? buildProvisioningCatalog(file.provisioning) : DEFAULT_PROVISIONING_CATALOG;
  for (const [name, app] of Object.entries(file.applications)) {
    const fleet = app.fleet;
    if (!fleet) continue;
    const at = (...rest: string[]) => ['applications', name, 'fleet', ...rest];
    const platform = findPlatform(catalog, fleet.stack, fleet.osVersion);
    if (!platform) {
      const offered = catalog.platforms.map((p) => `${p.stack}/${p.osVersion}`).join(', ');
      ctx.addIssue({ code: 'custom', path: at('stack'), message: `${fleet.stack}/${fleet.osVersion} is not in the provisioning catalog; offered: ${offered}` });
      continue;
    }
    if (fleet.machineType && !platform.machineTypes.includes(fleet.machineType)) {
      ctx.addIssue({
        code: 'custom',
        path: at('machineType'),
        message: `'${fleet.machineType}' is not offered for ${platform.stack}/${platform.osVersion}; offered: ${platform.machineTypes.join(', ')}`,
      });
    }
    for (const environment of Object.keys(fleet.count)) {
      const parts = { application: name, environment, stack: fleet.stack, osVersion: fleet.osVersion };
      if (!prefixFits(parts)) {
        ctx.addIssue({
          code: 'custom',
          path: at('count', environment),
          message: `VM names ${vmNamePrefix(parts)}-NNN would be over ${MAX_VM_NAME_LENGTH} characters`,
        });
      }
    }
  }
}

/** The VMs a deploy to `environment` would create when Chef finds no host there, or undefined when none is declared. */
export function fleetFor(app: Application, environment: string): FleetToCreate | undefined {
  const count = app.fleet?.count[environment];
  if (!app.fleet || !count) return undefined;
  return { stack: app.fleet.stack, osVersion: app.fleet.osVersion, machineType: app.fleet.machineType, count };
}
