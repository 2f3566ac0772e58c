import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { requireExecutable } from '../support/peers.ts';

/** monitoring/vesemir-alerts.yml, its path and its rules. */
export const RULES_FILE = fileURLToPath(new URL('../../monitoring/vesemir-alerts.yml', import.meta.url));

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const file = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

/** Debian's `prometheus` package (scripts/install-deps.sh) ships both. */
export const prometheusBin = (name: 'prometheus' | 'promtool') => requireExecutable(name, [`/usr/bin/${name}`, `/usr/local/bin/${name}`]);
