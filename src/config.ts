import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Vesemir's whole configuration, read once from the environment at the edge
 * and frozen. Errors name the variable, e.g. `API_PORT: expected a number`.
 */
const port = z.coerce.number().int().min(1).max(65535);
const optional = z.string().min(1).optional();

const schema = z.object({
  VESEMIR_DATA_DIR: z.string().min(1).default('.data'),
  /** When unset, `main` spawns a local Temporal dev server. */
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vesemir'),
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_UI_URL: optional,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** When unset, PGlite under the data folder. */
  DATABASE_URL: optional,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  /** Public base URL of the API, used in links; defaults to http://API_HOST:API_PORT. */
  API_PUBLIC_URL: optional,
  /** YAML file with the applications this service may deploy (see README). */
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
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {
  readonly type = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
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
  return Object.freeze({ ...config, VESEMIR_DATA_DIR: resolve(config.VESEMIR_DATA_DIR) });
}

/** The variables the service reads; docker-compose and docs are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
