import type { Logger } from 'pino';
import type { RecycleStore } from '../adapters/store/recycle-store.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeploymentStore } from '../domain/deployment.ts';
import type { AllowedNetworks } from '../domain/networks.ts';
import type { ArtifactSource, ChefClient, HealthProbe, LoadBalancer, RemoteHosts } from '../domain/ports.ts';
import type { ProvisioningCatalog } from '../domain/provisioning-catalog.ts';
import type { Provisioner, VmStore } from '../domain/vm.ts';

/** Grants a deploy its turn on (application, environment); see workflows/deployment-lock.ts. */
export interface HealthPoll {
  firstMs: number;
  maxMs: number;
}

/** A new release usually answers within a second; one that takes longer is not polled 4× a second for minutes. */
export const DEFAULT_HEALTH_POLL: HealthPoll = { firstMs: 100, maxMs: 1000 };

/** The pause after health probe number `probe` (1-based). */
export function healthPollDelay(probe: number, poll: HealthPoll): number {
  return Math.min(poll.maxMs, Math.round(poll.firstMs * 1.5 ** (probe - 1)));
}

export interface LockRequester {
  request(input: LockRequest): Promise<void>;
  /** Whether the deploy workflow still runs (the lock frees the turn of one that was terminated). */
  isRunning(workflowId: string): Promise<boolean>;
}

export interface LockRequest {
  application: string;
  environment: string;
  workflowId: string;
  deploymentId: string;
}

/** How long a drain waits for open sessions before it cuts them: what deploys use unless told otherwise. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 5000;

/** Everything the activities touch, injected so tests can pass fakes. */
export interface ActivityDeps {
  store: DeploymentStore;
  chef: ChefClient;
  remote: RemoteHosts;
  loadBalancer: LoadBalancer;
  health: HealthProbe;
  artifacts: ArtifactSource;
  applications: ApplicationCatalog;
  lock: LockRequester;
  logger: Logger;
  /** VM creation: the inventory, the job runner and which job builds which (stack, OS). */
  vmStore: VmStore;
  provisioner: Provisioner;
  provisioningCatalog: ProvisioningCatalog;
  /** The provisioning variables that are unset (see config.ts): a deploy that would create its fleet then fails at once. @default [] */
  provisioningMissing?: readonly string[] | undefined;
  /** How long a drain waits for open sessions to finish. @default DEFAULT_DRAIN_TIMEOUT_MS */
  drainTimeoutMs?: number;
  /** Pauses between health probes: from `firstMs`, 1.5× longer each time, up to `maxMs`. @default DEFAULT_HEALTH_POLL */
  healthPoll?: HealthPoll;
  /** Networks deploy targets may be in (VESEMIR_ALLOWED_NETWORKS). @default any valid IP */
  allowedNetworks?: AllowedNetworks;
  /** Fleet recycles' records; a recycle's bookkeeping fails without it. */
  recycleStore?: RecycleStore | undefined;
}
