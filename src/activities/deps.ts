import type { Logger } from 'pino';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeploymentStore } from '../domain/deployment.ts';
import type { AllowedNetworks } from '../domain/networks.ts';
import type { ArtifactSource, ChefClient, HealthProbe, LoadBalancer, RemoteHosts } from '../domain/ports.ts';
import type { ProvisioningCatalog } from '../domain/provisioning-catalog.ts';
import type { Provisioner, VmStore } from '../domain/vm.ts';

/** Grants a deploy its turn on (application, environment); see workflows/deployment-lock.ts. */
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
  /** Interval between health probes. @default 250 */
  healthIntervalMs?: number;
  /** Networks deploy targets may be in (VESEMIR_ALLOWED_NETWORKS). @default any valid IP */
  allowedNetworks?: AllowedNetworks;
}
