import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { type ApplicationCatalog, applicationsFileSchema, buildCatalog } from '../domain/applications.ts';
import { buildProvisioningCatalog, DEFAULT_PROVISIONING_CATALOG, type ProvisioningCatalog } from '../domain/provisioning-catalog.ts';

/** Reads the applications file (YAML or JSON); errors name the file and the field. */
export function loadApplications(path: string | undefined): ApplicationCatalog {
  return path ? buildCatalog(readApplicationsFile(path)) : new Map();
}

/** The file's `provisioning:` section, or the default catalog. */
export function loadProvisioningCatalog(path: string | undefined): ProvisioningCatalog {
  const section = path ? readApplicationsFile(path).provisioning : undefined;
  return section ? buildProvisioningCatalog(section) : DEFAULT_PROVISIONING_CATALOG;
}

function readApplicationsFile(path: string): z.infer<typeof applicationsFileSchema> {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`VESEMIR_APPS_FILE ${path}: ${(err as Error).message}`);
  }
  const parsed = applicationsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
    throw new Error(`VESEMIR_APPS_FILE ${path}:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
