import { writeFileSync } from 'node:fs';
import type { DeployRequestInput } from '../src/domain/deploy-request.ts';
import type { ChefClient, Host } from '../src/domain/ports.ts';
import { SCALE_SHA256 } from './noop-ports.ts';

/** The applications file of the no-op world: one entry per application, its own Chef tags and backend. */
export function writeScaleApps(path: string, apps: readonly string[]): string {
  const entry = (app: string) => [
    `  ${app}:`,
    '    team: bench',
    '    environments: [production]',
    `    chef: { tags: [app-${app}] }`,
    `    haproxy: { backends: [${app}], lbChefTags: [lb-${app}] }`,
    `    installDir: /opt/${app}`,
    '    restartCommand: ["/etc/vesemir/service", "restart"]',
  ];
  writeFileSync(path, ['applications:', ...apps.flatMap(entry), ''].join('\n'));
  return path;
}

/** A deploy of `app` in the no-op world: its hosts by Chef tag, one LB. */
export function scaleDeployBody(app: string, concurrency: number): DeployRequestInput {
  return {
    application: app,
    environment: 'production',
    team: 'bench',
    version: 'v2',
    artifact: { url: `http://artifacts.invalid/${app}-v2.tar.gz`, sha256: SCALE_SHA256 },
    chef: { tags: [`app-${app}`] },
    haproxy: { backend: app, chefTags: [`lb-${app}`], weight: 50, degradationSeconds: 0 },
    concurrency,
    healthCheck: { port: 8080, path: '/health', timeoutSeconds: 10 },
  };
}

/** A Chef that knows each application's hosts by its `app-<name>` tag, and one LB box for all. */
export function noopChefOf(hostsByApp: ReadonlyMap<string, Host[]>): ChefClient {
  const lbs: Host[] = [{ name: 'scale-lb1', address: '10.255.0.1' }];
  return {
    async searchNodes(query) {
      // Vesemir escapes Lucene's special characters: `tags:app\-app001`.
      const tag = /tags:(\S+)/.exec(query)?.[1]?.replaceAll('\\', '') ?? '';
      if (tag.startsWith('lb-')) return lbs;
      return hostsByApp.get(tag.replace(/^app-/, '')) ?? [];
    },
    deleteNode: async () => ({ node: 'absent', client: 'absent' }),
  };
}
