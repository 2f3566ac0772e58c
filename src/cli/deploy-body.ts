import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import YAML from 'yaml';
import type { Deployment, DeployRequest } from '../client/index.ts';
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
  concurrency?: number | (number | string)[];
  canary?: number;
  requireApproval?: boolean;
  bake?: number;
  autoRollback?: boolean;
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

/** `--concurrency 4` is a number; `--concurrency 1,2,50%` a ramp of batch sizes. */
export function concurrency(value: string): number | (number | string)[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+%?$/.test(p))) throw new InvalidArgumentError(`not a host count or a ramp like 1,2,50%: ${value}`);
  const sizes = parts.map((p) => (p.endsWith('%') ? p : Number(p)));
  return sizes.length === 1 && typeof sizes[0] === 'number' ? sizes[0] : sizes;
}

/**
 * The request of an earlier deployment to start again from (`--from <id>`):
 * the flags then give the new release. Without a new artifact the old one
 * would be deployed under the new version's name, so that is refused.
 */
export function redeployBase(from: Deployment, f: DeployFlags): Body {
  if (!from.request) throw new CliError(`deployment ${from.id} has no request this server can read; deploy with --file instead`);
  if (f.version && f.version !== from.request.version && !(f.artifactUrl && f.artifactSha256)) {
    throw new CliError(
      `--from ${from.id} --version ${f.version}: give --artifact-url and --artifact-sha256 too (the previous artifact is ${from.request.version}'s)`,
    );
  }
  return from.request;
}

const defined = (o: Body): Body => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** `over` laid on `base`, object fields merged, anything else replaced. */
export function merge(base: unknown, over: Body): Body {
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
    canary: nested({ hosts: f.canary, requireApproval: f.requireApproval, bakeSeconds: f.bake }),
    autoRollback: f.autoRollback,
    maxFailedHosts: f.maxFailedHosts,
    healthCheck: nested({ port: f.healthPort, path: f.healthPath, timeoutSeconds: f.healthTimeout }),
    queue: f.queue,
  });
  return merge(file ?? {}, flags) as unknown as DeployRequest;
}
