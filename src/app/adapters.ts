import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import type { ActivityDeps } from '../activities/deps.ts';
import { HttpArtifactSource } from '../adapters/artifacts/http-artifact-source.ts';
import { HttpChefClient } from '../adapters/chef/client.ts';
import { HaproxyLoadBalancer } from '../adapters/haproxy/load-balancer.ts';
import { SshLbRuntime } from '../adapters/haproxy/ssh-runtime.ts';
import { TcpLbRuntime } from '../adapters/haproxy/tcp-runtime.ts';
import { HttpHealthProbe } from '../adapters/health/http-health-probe.ts';
import { ProctorClient } from '../adapters/proctor/client.ts';
import { knownHostsFile } from '../adapters/ssh/known-hosts-file.ts';
import { PooledRemoteHosts } from '../adapters/ssh/pooled-remote-hosts.ts';
import { Ssh2RemoteHosts } from '../adapters/ssh/remote-hosts.ts';
import type { Db } from '../adapters/store/db.ts';
import { SqlRecycleStore } from '../adapters/store/recycle-store.ts';
import { TemporalLockRequester } from '../adapters/temporal/lock-requester.ts';
import { type Config, missingProvisioningVariables, provisioningNotConfigured } from '../config.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeploymentStore } from '../domain/deployment.ts';
import { parseAllowedNetworks } from '../domain/networks.ts';
import type { ChefClient, RemoteHosts } from '../domain/ports.ts';
import type { ProvisioningCatalog } from '../domain/provisioning-catalog.ts';
import type { Provisioner, VmStore } from '../domain/vm.ts';
import { AesGcmPayloadCodec } from '../temporal/codec.ts';

/** Reads a secret file named by a variable; the error names the variable, never the content. */
function secretFile(variable: string, path: string | undefined): string {
  if (!path) throw new Error(`${variable} is not set`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A port whose configuration is missing fails when used, with the variable's name, not at start-up. */
function unconfigured<T extends object>(what: string, variables: string): T {
  return new Proxy({} as T, {
    get: () => async () => {
      throw new Error(`${what} is not configured: set ${variables}`);
    },
  });
}

export function chefFromConfig(config: Config): ChefClient {
  if (!config.CHEF_SERVER_URL || !config.CHEF_CLIENT_NAME) {
    return unconfigured<ChefClient>('Chef', 'CHEF_SERVER_URL, CHEF_CLIENT_NAME and CHEF_KEY_PATH');
  }
  return new HttpChefClient({
    serverUrl: config.CHEF_SERVER_URL,
    apiPrefix: config.CHEF_API_PREFIX,
    clientName: config.CHEF_CLIENT_NAME,
    privateKeyPem: secretFile('CHEF_KEY_PATH', config.CHEF_KEY_PATH),
    signVersion: config.CHEF_SIGN_VERSION,
  });
}

const pooled = (inner: RemoteHosts) => new PooledRemoteHosts(inner);

export function remoteHostsFromConfig(config: Config): RemoteHosts {
  if (!config.SSH_KEY_PATH || !config.SSH_KNOWN_HOSTS_PATH) {
    return unconfigured<RemoteHosts>('SSH', 'SSH_KEY_PATH and SSH_KNOWN_HOSTS_PATH');
  }
  // Read once here so that a missing file is an error naming the variable.
  secretFile('SSH_KNOWN_HOSTS_PATH', config.SSH_KNOWN_HOSTS_PATH);
  // Connections stay open between steps and carry concurrent steps as channels.
  return pooled(
    new Ssh2RemoteHosts({
      username: config.SSH_USER,
      port: config.SSH_PORT,
      privateKey: secretFile('SSH_KEY_PATH', config.SSH_KEY_PATH),
      knownHosts: knownHostsFile(config.SSH_KNOWN_HOSTS_PATH),
    }),
  );
}

/** Without its variables every call fails for good, naming them: no VM waits out a deadline on a retry that cannot succeed. */
export function provisionerFromConfig(config: Config): Provisioner {
  const missing = missingProvisioningVariables(config);
  if (!config.PROCTOR_URL || !config.PROCTOR_EMAIL_ID || missing.length > 0) {
    const failing = async () => {
      throw provisioningNotConfigured(missing);
    };
    return { submit: failing, status: failing };
  }
  return new ProctorClient({
    baseUrl: config.PROCTOR_URL,
    emailId: config.PROCTOR_EMAIL_ID,
    accessToken: secretFile('PROCTOR_ACCESS_TOKEN_PATH', config.PROCTOR_ACCESS_TOKEN_PATH).trim(),
  });
}

/** The payload codec, when a key is configured: every process (API, worker, CLI replay) needs the same. */
export function dataConverterFromConfig(config: Config): DataConverter | undefined {
  if (!config.VESEMIR_PAYLOAD_KEY_PATH) return undefined;
  const key = readFileSync(config.VESEMIR_PAYLOAD_KEY_PATH);
  return { payloadCodecs: [new AesGcmPayloadCodec(key)] };
}

export interface WiringInput {
  config: Config;
  store: DeploymentStore;
  vmStore: VmStore;
  provisioningCatalog: ProvisioningCatalog;
  client: Client;
  applications: ApplicationCatalog;
  logger: Logger;
  /** The database the fleet recycles are kept in; without it a recycle's bookkeeping fails. */
  db?: Db | undefined;
}

/**
 * The HAProxy runtime API over TCP, or over SSH + socat on the LB boxes
 * (through `remote`); the worker's and, for the dry run, the API's.
 */
export function loadBalancerFromConfig(config: Config, remote: RemoteHosts = remoteHostsFromConfig(config)): HaproxyLoadBalancer {
  const runtime =
    config.HAPROXY_TRANSPORT === 'tcp'
      ? new TcpLbRuntime({ port: config.HAPROXY_ADMIN_PORT })
      : new SshLbRuntime(remote, { socketPath: config.HAPROXY_SOCKET });
  return new HaproxyLoadBalancer(runtime);
}

/** The composition root of the activities: real adapters from configuration. */
export function activityDepsFromConfig({ config, store, vmStore, provisioningCatalog, client, applications, logger, db }: WiringInput): ActivityDeps {
  const remote = remoteHostsFromConfig(config);
  return {
    store,
    chef: chefFromConfig(config),
    remote,
    loadBalancer: loadBalancerFromConfig(config, remote),
    health: new HttpHealthProbe(),
    artifacts: new HttpArtifactSource({ cacheDir: join(config.VESEMIR_DATA_DIR, 'artifacts') }),
    applications,
    lock: new TemporalLockRequester(client, config.TEMPORAL_TASK_QUEUE),
    logger,
    allowedNetworks: parseAllowedNetworks(config.VESEMIR_ALLOWED_NETWORKS),
    healthPoll: { firstMs: config.VESEMIR_HEALTH_POLL_MS, maxMs: config.VESEMIR_HEALTH_POLL_MAX_MS },
    vmStore,
    provisioner: provisionerFromConfig(config),
    provisioningCatalog,
    provisioningMissing: missingProvisioningVariables(config),
    ...(db ? { recycleStore: new SqlRecycleStore(db) } : {}),
  };
}
