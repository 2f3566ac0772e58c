import { SERVICE_COMMAND } from './vm.ts';

/** One application of a test fleet, as its applications file declares it. */
export interface FleetAppScope {
  name: string;
  team: string;
  environment: string;
  vmTag: string;
  backend: string;
  lbTag: string;
  /** More environments than `environment` (its LB boxes must be registered there too). */
  moreEnvironments?: string[];
  /** The VMs a first deploy creates where Chef finds none (lazy creation). */
  fleet?: { stack: string; osVersion: string; machineType?: string; count: Record<string, number> };
}

/** The applications file of a test fleet: each application scoped to its own tags, backend and LB tag. */
export function applicationsYaml(apps: FleetAppScope[]): string {
  const lines = ['applications:'];
  for (const app of apps) {
    lines.push(
      `  ${app.name}:`,
      `    team: ${app.team}`,
      `    environments: [${[app.environment, ...(app.moreEnvironments ?? [])].join(', ')}]`,
      '    chef:',
      `      tags: [${app.vmTag}]`,
      '    haproxy:',
      `      backends: [${app.backend}]`,
      `      lbChefTags: [${app.lbTag}]`,
      `    installDir: /opt/${app.name}`,
      `    restartCommand: ["${SERVICE_COMMAND}", "restart"]`,
      '    keepReleases: 3',
    );
    if (app.fleet) lines.push(`    fleet: ${JSON.stringify(app.fleet)}`);
  }
  return `${lines.join('\n')}\n`;
}
