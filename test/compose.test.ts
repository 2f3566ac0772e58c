import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadApplications } from '../src/adapters/applications-file.ts';
import { loadTokens } from '../src/api/auth.ts';
import { CONFIG_VARIABLES, loadConfig, REQUIRED_BY_ROLE, type Role, USED_BY_ROLE } from '../src/config.ts';
import { LATENCY_DYNAMIC_CONFIG, VERSION_DRAINAGE_DYNAMIC_CONFIG } from '../src/temporal/dev-server.ts';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes.ts';
import { DYNAMIC_CONFIG_FILE, SETUP_SCHEMA_SCRIPT, schemaDir, serverBinary } from './cluster/temporal-server.ts';
import { requireExecutable } from './support/peers.ts';

// docker-compose.yml checked offline (no Docker engine needed): compose
// itself validates and resolves it, then the Vesemir services' environment
// is held against what src/config.ts reads, and ports and names against each other.

const root = fileURLToPath(new URL('..', import.meta.url));
const dockerCompose = requireExecutable('docker-compose', ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose']);

interface Service {
  image?: string;
  entrypoint?: string[];
  build?: { args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: { published: number | string; target: number }[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  command?: string[];
  profiles?: string[];
}

/** `docker-compose config` with only `env` from the caller's shell (so the host's variables cannot leak in). */
function resolved(env: Record<string, string> = {}): Record<string, Service> {
  const out = execFileSync(dockerCompose, ['-f', 'docker-compose.yml', 'config'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', VESEMIR_BUILD_ID: '1.0.0+compose', ...env },
    encoding: 'utf8',
  });
  return (parse(out) as { services: Record<string, Service> }).services;
}

const services = resolved();
const VESEMIR: Record<string, Exclude<Role, 'all'>> = { 'vesemir-api': 'api', 'vesemir-worker': 'worker' };
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const envOf = (name: string) => service(name).environment ?? {};
/** The host path behind a container path, through the service's bind mounts. */
const hostPath = (name: string, containerPath: string) => {
  for (const volume of service(name).volumes ?? []) {
    const [host, container] = volume.split(':');
    if (host && container === containerPath) return host; // a file mounted as itself
    if (host && container && containerPath.startsWith(`${container}/`)) return join(host, containerPath.slice(container.length));
  }
  throw new Error(`${name}: nothing mounted at ${containerPath}`);
};

describe('docker-compose.yml', () => {
  it('has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['grafana', 'postgres', 'prometheus', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'vesemir-api', 'vesemir-worker'].sort(),
    );
  });

  for (const [name, role] of Object.entries(VESEMIR)) {
    describe(name, () => {
      it('sets only variables src/config.ts reads, and parses with it', () => {
        const env = envOf(name);
        expect(Object.keys(env).filter((key) => !CONFIG_VARIABLES.includes(key))).toEqual([]);
        expect(env.VESEMIR_ROLE).toBe(role);
        expect(() => loadConfig(env)).not.toThrow();
      });

      it('sets every variable without a default its role needs', () => {
        const env = envOf(name);
        for (const key of REQUIRED_BY_ROLE[role]) expect(env[key], key).toMatch(/./);
        for (const key of USED_BY_ROLE[role]) expect(Object.keys(env), key).toContain(key);
      });

      it('publishes, listens on and health-checks the same port', () => {
        const env = envOf(name);
        const s = service(name);
        expect(s.ports?.map((p) => p.target)).toEqual([Number(env.API_PORT)]);
        expect(env.API_HOST).toBe('0.0.0.0');
        expect(s.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${env.API_PORT}/healthz`);
        if (env.API_PUBLIC_URL) expect(new URL(env.API_PUBLIC_URL).port).toBe(String(s.ports?.[0]?.published));
      });

      it('reaches Temporal and Postgres as the compose services, once they are healthy and set up', () => {
        const env = envOf(name);
        const [temporalHost, temporalPort] = (env.TEMPORAL_ADDRESS ?? '').split(':');
        expect(temporalHost).toBe('temporal');
        expect(service('temporal').ports?.map((p) => String(p.target))).toContain(temporalPort);
        expect(service('temporal').healthcheck?.test).toEqual(expect.arrayContaining([temporalHost, temporalPort]));
        const db = new URL(env.DATABASE_URL ?? '');
        const pg = envOf('postgres');
        expect([db.hostname, db.port, db.username, db.password, db.pathname]).toEqual([
          'postgres',
          '5432',
          pg.POSTGRES_USER,
          pg.POSTGRES_PASSWORD,
          `/${pg.POSTGRES_DB}`,
        ]);
        expect(service(name).depends_on).toEqual({
          postgres: { condition: 'service_healthy' },
          temporal: { condition: 'service_healthy' },
          'temporal-setup': { condition: 'service_completed_successfully' },
        });
      });

      it('mounts the files its variables name, and they parse', () => {
        const env = envOf(name);
        if (env.VESEMIR_APPS_FILE) expect(loadApplications(hostPath(name, env.VESEMIR_APPS_FILE)).size).toBeGreaterThan(0);
        if (env.VESEMIR_TOKENS_FILE) expect(loadTokens(hostPath(name, env.VESEMIR_TOKENS_FILE)).length).toBeGreaterThan(0);
      });
    });
  }

  it('gives every service another one waits healthy for a health check', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        if (condition === 'service_healthy') expect(service(dep).healthcheck, `${name} → ${dep}`).toBeDefined();
      }
    }
  });

  it("points Vesemir's links at the published Temporal UI, and registers the search attributes deploys carry", () => {
    const uiPort = service('temporal-ui').ports?.[0]?.published;
    expect(new URL(envOf('vesemir-api').TEMPORAL_UI_URL ?? '').port).toBe(String(uiPort));
    expect(envOf('temporal-ui').TEMPORAL_ADDRESS).toBe(envOf('vesemir-api').TEMPORAL_ADDRESS);
    const command = service('temporal-setup').command?.join(' ') ?? '';
    expect(command).toContain(`for name in ${SEARCH_ATTRIBUTES.map((k) => k.name).join(' ')};`);
    expect(command).toContain(`--namespace ${envOf('vesemir-worker').TEMPORAL_NAMESPACE}`);
    expect(command).toContain(
      `temporal operator namespace create --address ${envOf('vesemir-worker').TEMPORAL_ADDRESS} --namespace ${envOf('vesemir-worker').TEMPORAL_NAMESPACE}`,
    );
  });

  describe('Temporal: the server the cluster tier (test/cluster) runs', () => {
    // `temporal version 1.32.2`: the binary scripts/install-gotools.sh built.
    const tested = execFileSync(serverBinary(), ['--version'], { encoding: 'utf8' }).match(/version (\S+)/)?.[1];

    it('pins the version the tier runs: server and admin tools, the build pin and its schemas', () => {
      expect(tested).toMatch(/^\d+\.\d+\.\d+$/);
      expect(service('temporal').image).toBe(`temporalio/server:${tested}`);
      for (const name of ['temporal-schema', 'temporal-setup']) expect(service(name).image, name).toBe(`temporalio/admin-tools:${tested}`);
      expect(readFileSync(join(root, 'scripts/install-gotools.sh'), 'utf8')).toContain(`TEMPORAL_SERVER=v${tested}\n`);
      expect(schemaDir().version).toBe(`v${tested}`);
    });

    it("mounts the tier's dynamic config, which the server accepts key by key", () => {
      // The server image runs in /etc/temporal and reads DYNAMIC_CONFIG_FILE_PATH relative to it.
      const inContainer = join('/etc/temporal', envOf('temporal').DYNAMIC_CONFIG_FILE_PATH ?? '(unset)');
      expect(hostPath('temporal', inContainer)).toBe(DYNAMIC_CONFIG_FILE);
      const check = execFileSync(serverBinary(), ['validate-dynamic-config', DYNAMIC_CONFIG_FILE], { encoding: 'utf8' });
      expect(check.trim()).toBe(DYNAMIC_CONFIG_FILE); // warnings (unknown key, wrong type) follow the name
    });

    it("sets in it what deploys need: updates on, worker versioning, the dev server's latency and drainage settings", () => {
      const file = parse(readFileSync(DYNAMIC_CONFIG_FILE, 'utf8')) as Record<string, { value: unknown }[]>;
      const values = Object.fromEntries(Object.entries(file).map(([key, [first]]) => [key, first?.value]));
      expect(values).toEqual({
        'frontend.enableUpdateWorkflowExecution': true,
        'system.enableDeploymentVersions': true,
        'frontend.workerVersioningWorkflowAPIs': true,
        ...LATENCY_DYNAMIC_CONFIG,
        ...VERSION_DRAINAGE_DYNAMIC_CONFIG,
      });
    });

    it("sets up Temporal's schemas with the tier's script, before the server starts", () => {
      expect(hostPath('temporal-schema', '/setup-schema.sh')).toBe(SETUP_SCHEMA_SCRIPT);
      expect(service('temporal-schema').entrypoint).toEqual(['/bin/sh', '/setup-schema.sh']);
      expect(service('temporal').depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
      const pg = envOf('postgres');
      const env = envOf('temporal-schema');
      expect([env.SQL_HOST, env.SQL_USER, env.SQL_PASSWORD]).toEqual(['postgres', pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
      expect([envOf('temporal').POSTGRES_USER, envOf('temporal').POSTGRES_PWD]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
    });
  });

  it('lets Prometheus scrape both Vesemir processes on their ports', () => {
    const config = parse(readFileSync(join(root, 'compose/prometheus.yml'), 'utf8')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(
      Object.keys(VESEMIR)
        .map((name) => `${name}:${envOf(name).API_PORT}`)
        .sort(),
    );
  });

  it('loads the alert rules of monitoring/ into Prometheus', () => {
    const config = parse(readFileSync(join(root, 'compose/prometheus.yml'), 'utf8')) as { rule_files: string[] };
    const files = config.rule_files.map((inContainer) => hostPath('prometheus', inContainer));
    expect(files).toEqual([join(root, 'monitoring/vesemir-alerts.yml')]);
  });

  it("passes the caller's Chef and SSH settings through to the worker", () => {
    const env = resolved({ CHEF_SERVER_URL: 'https://chef.test', SSH_KEY_PATH: '/etc/vesemir/id_ed25519' })['vesemir-worker']?.environment ?? {};
    expect(env.CHEF_SERVER_URL).toBe('https://chef.test');
    expect(env.SSH_KEY_PATH).toBe('/etc/vesemir/id_ed25519');
  });

  it('builds each image as its own worker version: VESEMIR_BUILD_ID is a required build argument', () => {
    for (const name of Object.keys(VESEMIR)) expect(service(name).build?.args?.VESEMIR_BUILD_ID).toBe('1.0.0+compose');
    expect(() => resolved({ VESEMIR_BUILD_ID: '' })).toThrow(/set VESEMIR_BUILD_ID to <package version>\+<git commit>/);
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG VESEMIR_BUILD_ID$/m);
    expect(dockerfile).toMatch(/^RUN test -n "\$VESEMIR_BUILD_ID" \|\|/m);
    expect(dockerfile).toMatch(/^ENV VESEMIR_BUILD_ID=\$VESEMIR_BUILD_ID$/m);
  });

  it('builds an image that runs src/app/main.ts from a context holding the sources', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('RUN npm ci');
    expect(dockerfile).toMatch(/^CMD \["node", ("--[a-z-]+=\d+", )*"--import", "tsx", "src\/app\/main.ts"\]$/m);
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const needed of ['src', 'package.json', 'package-lock.json', 'tsconfig.json']) expect(ignored).not.toContain(needed);
  });
});
