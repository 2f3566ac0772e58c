import { resolve } from 'node:path';
import { z } from 'zod';
import { ErrorType, RUNBOOK_PATH, VesemirError } from './domain/errors.ts';

/**
 * Vesemir's whole configuration, read once from the environment at the edge
 * and frozen. Errors name the variable, e.g. `API_PORT: expected a number`.
 */
const port = z.coerce.number().int().min(1).max(65535);
const optional = z.string().min(1).optional();

export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const schema = z.object({
  VESEMIR_DATA_DIR: z.string().min(1).default('.data'),
  /** When unset, `main` spawns a local Temporal dev server. */
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vesemir'),
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_UI_URL: optional,
  /** TLS to TEMPORAL_ADDRESS: `on`, `off`, or unset = on when any TEMPORAL_TLS_* file or an API key is given. */
  TEMPORAL_TLS: z.enum(['on', 'off']).optional(),
  /** PEM CA that signed the frontend's certificate. Unset: the system's roots. */
  TEMPORAL_TLS_CA_PATH: optional,
  /** mTLS: the client certificate and its key (PEM), both or neither. */
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  /** The name the frontend's certificate carries, when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: optional,
  /** File holding a Temporal API key (Temporal Cloud; a secret: never logged). Implies TLS. */
  TEMPORAL_API_KEY_PATH: optional,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** When unset, PGlite under the data folder. */
  DATABASE_URL: optional,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  /** Public base URL of the API, used in links; defaults to http://API_HOST:API_PORT. */
  API_PUBLIC_URL: optional,
  /** YAML file with the applications this service may deploy (see docs/configuration.md). */
  VESEMIR_APPS_FILE: optional,
  CHEF_SERVER_URL: optional,
  CHEF_CLIENT_NAME: optional,
  CHEF_KEY_PATH: optional,
  CHEF_API_PREFIX: z.string().default(''),
  CHEF_SIGN_VERSION: z.enum(['1.3', '1.0']).default('1.3'),
  SSH_USER: z.string().min(1).default('root'),
  SSH_PORT: port.default(22),
  SSH_KEY_PATH: optional,
  SSH_KNOWN_HOSTS_PATH: optional,
  HAPROXY_TRANSPORT: z.enum(['ssh', 'tcp']).default('ssh'),
  HAPROXY_SOCKET: z.string().min(1).default('/run/haproxy/admin.sock'),
  HAPROXY_ADMIN_PORT: port.default(9999),
  /** Proctor (the job runner that provisions VMs). Unset: VM creation fails with an error naming these. */
  PROCTOR_URL: optional,
  PROCTOR_EMAIL_ID: optional,
  /** File holding Proctor's access token (a secret: never in payloads or logs). */
  PROCTOR_ACCESS_TOKEN_PATH: optional,
  /** A prebuilt workflow bundle (scripts/bundle-workflows.ts) so a worker starts without webpack. Unset: bundle at start. */
  VESEMIR_WORKFLOW_BUNDLE: optional,
  /** Networks deploy targets may be in, e.g. `10.0.0.0/8,192.168.0.0/16`. Unset: any valid IP. */
  VESEMIR_ALLOWED_NETWORKS: optional,
  /** File with a 32-byte key: encrypts every Temporal payload (see docs/configuration.md, Secrets). Unset: payloads are plain JSON. */
  VESEMIR_PAYLOAD_KEY_PATH: optional,
  /** Base of the `docs` link in every API error: the runbook, one section per error type. @default docs/runbook.md */
  VESEMIR_DOCS_URL: z.string().min(1).default(RUNBOOK_PATH),
  /** The first pause between health probes of a host; each next one is 1.5× longer, up to VESEMIR_HEALTH_POLL_MAX_MS. */
  VESEMIR_HEALTH_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  VESEMIR_HEALTH_POLL_MAX_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /**
   * What `src/app/main.ts` runs: `all` (worker + API, the embedded default), `api`
   * or `worker` (API_HOST:API_PORT then serves only /healthz and /metrics).
   */
  VESEMIR_ROLE: z.enum(ROLES).default('all'),
  /** The Temporal Worker Deployment the worker is a version of (docs/operating.md, "Upgrading Vesemir"). */
  VESEMIR_WORKER_DEPLOYMENT: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, ".", "_", "-"')
    .default('vesemir'),
  /** The worker's build ID. Unset: `<package version>+<git commit>`. */
  VESEMIR_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9._+-]{1,200}$/, 'letters, digits, ".", "_", "+", "-"')
    .optional(),
  /**
   * When a starting worker makes its version current: `always`, `auto` (only
   * when the deployment has none yet), `never` (an operator does it).
   * Unset: `always` for VESEMIR_ROLE=all (one process), `auto` for a worker.
   */
  VESEMIR_MAKE_CURRENT: z.enum(['auto', 'always', 'never']).optional(),
  /** `off` runs an unversioned worker (a Temporal server without Worker Deployments). @default on */
  VESEMIR_WORKER_VERSIONING: z.enum(['on', 'off']).default('on'),
  /** YAML file of bearer tokens (see docs/configuration.md, Auth). Unset: auth is OFF and every caller is admin. */
  VESEMIR_TOKENS_FILE: optional,
  /** `host:port` where the Temporal SDK's Prometheus exporter listens; /metrics appends what it serves. Unset: off. */
  TEMPORAL_METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
    .optional(),
});

/**
 * Variables without a default that a split role cannot do without: a
 * per-process dev server or PGlite would silently be a different world from
 * the other role's.
 */
export const REQUIRED_BY_ROLE: Readonly<Record<Role, readonly string[]>> = {
  all: [],
  api: ['TEMPORAL_ADDRESS', 'DATABASE_URL'],
  worker: ['TEMPORAL_ADDRESS', 'DATABASE_URL'],
};

const TEMPORAL_CONNECTION_VARIABLES = [
  'TEMPORAL_TLS_CA_PATH',
  'TEMPORAL_TLS_CERT_PATH',
  'TEMPORAL_TLS_KEY_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY_PATH',
] as const;

/** Variables without a default a role uses; unset, the feature is off or fails when used (see wiring.ts). */
export const USED_BY_ROLE: Readonly<Record<Exclude<Role, 'all'>, readonly string[]>> = {
  api: [
    'VESEMIR_APPS_FILE',
    'VESEMIR_TOKENS_FILE',
    'TEMPORAL_UI_URL',
    'API_PUBLIC_URL',
    'CHEF_SERVER_URL',
    'CHEF_CLIENT_NAME',
    'CHEF_KEY_PATH',
    'PROCTOR_URL',
    'PROCTOR_EMAIL_ID',
    'PROCTOR_ACCESS_TOKEN_PATH',
    'VESEMIR_PAYLOAD_KEY_PATH',
    ...TEMPORAL_CONNECTION_VARIABLES,
  ],
  worker: [
    'VESEMIR_APPS_FILE',
    'CHEF_SERVER_URL',
    'CHEF_CLIENT_NAME',
    'CHEF_KEY_PATH',
    'SSH_KEY_PATH',
    'SSH_KNOWN_HOSTS_PATH',
    'PROCTOR_URL',
    'PROCTOR_EMAIL_ID',
    'PROCTOR_ACCESS_TOKEN_PATH',
    'VESEMIR_ALLOWED_NETWORKS',
    'VESEMIR_PAYLOAD_KEY_PATH',
    ...TEMPORAL_CONNECTION_VARIABLES,
  ],
};

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends VesemirError {
  constructor(readonly issues: string[]) {
    super(ErrorType.ConfigError, `invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    // An empty variable means "not set", as shells and compose files write it.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = parsed.data;
  if (config.VESEMIR_HEALTH_POLL_MAX_MS < config.VESEMIR_HEALTH_POLL_MS) {
    throw new ConfigError([
      `VESEMIR_HEALTH_POLL_MAX_MS: ${config.VESEMIR_HEALTH_POLL_MAX_MS} is less than VESEMIR_HEALTH_POLL_MS (${config.VESEMIR_HEALTH_POLL_MS})`,
    ]);
  }
  const missing = REQUIRED_BY_ROLE[config.VESEMIR_ROLE].filter((key) => picked[key] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((key) => `${key}: required when VESEMIR_ROLE=${config.VESEMIR_ROLE}`));
  }
  return Object.freeze({ ...config, VESEMIR_DATA_DIR: resolve(config.VESEMIR_DATA_DIR) });
}

/** What VM creation needs. The API refuses VM requests without them (503); the token file is the worker's to read. */
export const PROVISIONING_VARIABLES = ['PROCTOR_URL', 'PROCTOR_EMAIL_ID', 'PROCTOR_ACCESS_TOKEN_PATH'] as const;

export function missingProvisioningVariables(config: Config): string[] {
  return PROVISIONING_VARIABLES.filter((key) => config[key] === undefined);
}

/** The one error for "VM provisioning is off", from the API at once and from a worker that lacks the variables. */
export function provisioningNotConfigured(missing: readonly string[]): VesemirError {
  const names = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing.join('');
  return new VesemirError(ErrorType.ProvisioningNotConfigured, `VM provisioning (Proctor) is not configured: set ${names}`, {
    details: { missing: [...missing] },
  });
}

/** The variables the service reads; docker-compose and docs are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
