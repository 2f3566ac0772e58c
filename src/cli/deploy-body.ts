import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { DeployRequest } from '../client/index.ts';
import { CliError } from './errors.ts';

/** The `deploy` flags that map onto the request body. */
export interface DeployFlags {
  application?: string;
  environment?: string;
  team?: string;
  version?: string;
  artifactUrl?: string;
  artifactSha256?: string;
  chefTag?: string[];
  chefQuery?: string;
  backend?: string;
  lbTag?: string[];
  weight?: number;
  degradationSeconds?: number;
  concurrency?: number;
  maxFailedHosts?: number;
  healthPort?: number;
  healthPath?: string;
  healthTimeout?: number;
  /** Only when --no-queue was given: undefined leaves the file's (or the API's) choice. */
  queue?: boolean;
}

type Body = Record<string, unknown>;

/** Reads a body file, JSON or YAML (YAML parses JSON too). */
export function readBodyFile(path: string): Body {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (err) {
    throw new CliError(`${path} is neither JSON nor YAML: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(`${path} must hold an object (the deploy request body)`);
  return parsed as Body;
}

const defined = (o: Body): Body => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function merge(base: unknown, over: Body): Body {
  const out: Body = base && typeof base === 'object' ? { ...(base as Body) } : {};
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? merge(out[k], v as Body) : v;
  }
  return out;
}

/**
 * The request body: the file's (if any) with the flags laid over it, so
 * `--file base.yaml --version v3` works. Validation is the API's: its 400
 * names every bad field, and the CLI prints them (hence the unchecked type).
 */
export function deployBody(file: Body | undefined, f: DeployFlags): DeployRequest {
  const nested = (o: Body) => {
    const d = defined(o);
    return Object.keys(d).length ? d : undefined;
  };
  const flags = defined({
    application: f.application,
    environment: f.environment,
    team: f.team,
    version: f.version,
    artifact: nested({ url: f.artifactUrl, sha256: f.artifactSha256 }),
    chef: nested({ tags: f.chefTag, query: f.chefQuery }),
    haproxy: nested({ backend: f.backend, chefTags: f.lbTag, weight: f.weight, degradationSeconds: f.degradationSeconds }),
    concurrency: f.concurrency,
    maxFailedHosts: f.maxFailedHosts,
    healthCheck: nested({ port: f.healthPort, path: f.healthPath, timeoutSeconds: f.healthTimeout }),
    queue: f.queue,
  });
  return merge(file ?? {}, flags) as unknown as DeployRequest;
}
