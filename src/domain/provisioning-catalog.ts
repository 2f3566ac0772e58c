import { z } from 'zod';
import { slug } from './names.ts';
import { machineType, osVersion } from './vm.ts';

/**
 * Server-side facts about VM creation: which job runs for a (stack, OS) pair
 * and with which args. Requests only pick a pair; they never name a job or
 * an arg. Arg values are templates over the request's validated fields.
 */
export const TEMPLATE_VARIABLES = ['name', 'application', 'environment', 'team', 'stack', 'osVersion', 'machineType', 'chefTags', 'chefEnvironment'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

const argTemplate = z
  .string()
  .max(1024)
  .refine(
    (v) => [...v.matchAll(PLACEHOLDER)].every((m) => (TEMPLATE_VARIABLES as readonly string[]).includes(m[1] ?? '')),
    `may only use the placeholders ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
  );

const jobName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lowercase letters, digits, ".", "_", "-"');
const jobArgs = z.record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be UPPER_SNAKE_CASE'), argTemplate);

const platformSchema = z
  .object({
    stack: slug,
    osVersion,
    /** The Proctor job definition to execute. */
    job: jobName,
    /** Machine types a request may ask for; the first is the default. */
    machineTypes: z.array(machineType).min(1),
    args: jobArgs,
  })
  .strict();

/** What the decommission job needs: which VM, and whose (the same placeholders as the create job). */
const DECOMMISSION_ARGS = {
  VM_NAME: '{{name}}',
  APPLICATION: '{{application}}',
  ENVIRONMENT: '{{environment}}',
  STACK: '{{stack}}',
  OS_VERSION: '{{osVersion}}',
};

/** The job that stops a VM and deregisters it, for every (stack, OS). */
const decommissionSchema = z
  .object({
    /** @default 'decommission-vm' */
    job: jobName.default('decommission-vm'),
    /** @default VM_NAME, APPLICATION, ENVIRONMENT, STACK, OS_VERSION */
    args: jobArgs.default(DECOMMISSION_ARGS),
  })
  .strict();

/** The `provisioning` section of the server's configuration file. */
export const provisioningSectionSchema = z
  .object({
    /** How long one VM may take, job submission to READY. @default 30 */
    deadlineMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    poll: z
      .object({
        /** First wait between status polls. @default 2 */
        initialSeconds: z.number().min(0.1).max(600).default(2),
        /** Longest wait between status polls (the backoff doubles up to it). @default 60 */
        maxSeconds: z.number().min(0.1).max(3600).default(60),
      })
      .strict()
      .default({ initialSeconds: 2, maxSeconds: 60 }),
    platforms: z.array(platformSchema).min(1),
    /** @default { job: 'decommission-vm', args: DECOMMISSION_ARGS } */
    decommission: decommissionSchema.default({ job: 'decommission-vm', args: DECOMMISSION_ARGS }),
  })
  .strict()
  .superRefine((section, ctx) => {
    const seen = new Set<string>();
    for (const [i, p] of section.platforms.entries()) {
      const key = `${p.stack}/${p.osVersion}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['platforms', i], message: `${key} is listed twice` });
      seen.add(key);
    }
    if (section.poll.maxSeconds < section.poll.initialSeconds) {
      ctx.addIssue({ code: 'custom', path: ['poll', 'maxSeconds'], message: 'must be at least poll.initialSeconds' });
    }
  });

export type ProvisioningSection = z.infer<typeof provisioningSectionSchema>;
export type Platform = ProvisioningSection['platforms'][number];

export interface ProvisioningCatalog {
  deadlineSeconds: number;
  poll: { initialSeconds: number; maxSeconds: number };
  platforms: readonly Platform[];
  decommission: { job: string; args: Record<string, string> };
}

export function buildProvisioningCatalog(section: ProvisioningSection): ProvisioningCatalog {
  return Object.freeze({
    deadlineSeconds: section.deadlineMinutes * 60,
    poll: { ...section.poll },
    platforms: Object.freeze([...section.platforms]),
    decommission: { job: section.decommission.job, args: { ...section.decommission.args } },
  });
}

export function findPlatform(catalog: ProvisioningCatalog, stack: string, os: string): Platform | undefined {
  return catalog.platforms.find((p) => p.stack === stack && p.osVersion === os);
}

export function supportedPlatforms(catalog: ProvisioningCatalog): { stack: string; osVersion: string; machineTypes: string[] }[] {
  return catalog.platforms.map((p) => ({ stack: p.stack, osVersion: p.osVersion, machineTypes: [...p.machineTypes] }));
}

/** The job and args for one VM: every `{{variable}}` replaced by its value. */
export function renderJob(platform: Pick<Platform, 'job' | 'args'>, values: TemplateValues): { job: string; args: Record<string, string> } {
  const args: Record<string, string> = {};
  for (const [key, template] of Object.entries(platform.args)) {
    args[key] = template.replace(PLACEHOLDER, (_, variable: string) => values[variable as TemplateVariable]);
  }
  return { job: platform.job, args };
}

/**
 * Where a new VM must be registered in Chef so that its application's deploys
 * find it: `chefTags` (comma-joined) are the application's scope tags and
 * `chefEnvironment` its Chef environment for `environment`, from the
 * applications file; an application the file does not declare gets
 * `app-<application>` and the environment's own name.
 */
export function chefPlacement(
  app: { chef: { tags: readonly string[]; environments: Readonly<Record<string, string>> } } | undefined,
  application: string,
  environment: string,
): { chefTags: string; chefEnvironment: string } {
  return {
    chefTags: app ? app.chef.tags.join(',') : `app-${application}`,
    chefEnvironment: app?.chef.environments[environment] ?? environment,
  };
}

/** The decommission job and args for one VM. */
export function renderDecommissionJob(catalog: ProvisioningCatalog, values: TemplateValues): { job: string; args: Record<string, string> } {
  return renderJob(catalog.decommission, values);
}

/** The args every default job gets: what the runner needs to name, tag and register the VM. */
const COMMON_ARGS = {
  VM_NAME: '{{name}}',
  APPLICATION: '{{application}}',
  ENVIRONMENT: '{{environment}}',
  TEAM: '{{team}}',
  MACHINE_TYPE: '{{machineType}}',
  STACK: '{{stack}}',
  // What the VM's image is built from: the runner shows it in the VM's /etc/os-release.
  OS_VERSION: '{{osVersion}}',
  // The tags deploys search by (the application's Chef scope), plus where the VM came from.
  TAGS: '{{chefTags}},stack-{{stack}},os-{{osVersion}}',
  CHEF_ENVIRONMENT: '{{chefEnvironment}}',
};

// ubuntu-20.04 stays on offer while fleets on it are recycled onto 22.04.
const IMAGES: Record<string, Record<string, string>> = {
  java: { 'ubuntu-22.04': 'ubuntu-2204-temurin-21', 'debian-12': 'debian-12-temurin-21', 'ubuntu-20.04': 'ubuntu-2004-temurin-17' },
  node: { 'ubuntu-22.04': 'ubuntu-2204-node-20', 'debian-12': 'debian-12-node-20', 'ubuntu-20.04': 'ubuntu-2004-node-20' },
  python: { 'ubuntu-22.04': 'ubuntu-2204-python-3.12', 'debian-12': 'debian-12-python-3.11', 'ubuntu-20.04': 'ubuntu-2004-python-3.8' },
};

/** What a server without a `provisioning` section offers. */
export const DEFAULT_PROVISIONING_SECTION: ProvisioningSection = provisioningSectionSchema.parse({
  platforms: Object.entries(IMAGES).flatMap(([stack, byOs]) =>
    Object.entries(byOs).map(([os, image]) => ({
      stack,
      osVersion: os,
      job: 'create-vm',
      machineTypes: ['n2-standard-2', 'n2-standard-4', 'n2-highmem-4'],
      args: { ...COMMON_ARGS, IMAGE: image },
    })),
  ),
});

export const DEFAULT_PROVISIONING_CATALOG: ProvisioningCatalog = buildProvisioningCatalog(DEFAULT_PROVISIONING_SECTION);
