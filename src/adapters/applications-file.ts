import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type ApplicationCatalog, applicationsFileSchema, buildCatalog } from '../domain/applications.ts';

/** Reads the applications file (YAML or JSON); errors name the file and the field. */
export function loadApplications(path: string | undefined): ApplicationCatalog {
  if (!path) return new Map();
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
  return buildCatalog(parsed.data);
}
