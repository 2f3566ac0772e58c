import { SERVICE_COMMAND } from './vm.ts';

/** One application of a test fleet, as its applications file declares it. */
export interface FleetAppScope {
  name: string;
  team: string;
  environment: string;
  vmTag: string;
  backend: string;
  lbTag: string;
}

/** The applications file of a test fleet: each application scoped to its own tags, backend and LB tag. */
export function applicationsYaml(apps: FleetAppScope[]): string {
  const lines = ['applications:'];
  for (const app of apps) {
    lines.push(
      `  ${app.name}:`,
      `    team: ${app.team}`,
      `    environments: [${app.environment}]`,
      '    chef:',
      `      tags: [${app.vmTag}]`,
      '    haproxy:',
      `      backends: [${app.backend}]`,
      `      lbChefTags: [${app.lbTag}]`,
      `    installDir: /opt/${app.name}`,
      `    restartCommand: ["${SERVICE_COMMAND}", "restart"]`,
      '    keepReleases: 3',
    );
  }
  return `${lines.join('\n')}\n`;
}
