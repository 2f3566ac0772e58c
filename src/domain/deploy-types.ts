import type { DeployRequest } from './deploy-request.ts';
import type { DeploymentStatus, HostStatus, StepName } from './deployment.ts';
import type { Host } from './ports.ts';

/** Input of the `deploy` workflow: the validated request, nothing secret. */
export interface DeployWorkflowInput {
  deploymentId: string;
  request: DeployRequest;
}

/** What one host's child workflow needs; the snapshot it was given is all it ever uses. */
export interface DeployHostInput {
  deploymentId: string;
  application: string;
  version: string;
  artifact: { url: string; sha256: string };
  host: Host;
  loadBalancers: Host[];
  backend: string;
  weight: number;
  degradationSeconds: number;
  healthCheck: { port: number; path: string; timeoutSeconds: number };
}

export interface HostResult {
  name: string;
  status: Extract<HostStatus, 'DONE' | 'FAILED' | 'ROLLED_BACK' | 'QUARANTINED'>;
  failedStep?: StepName | undefined;
  error?: string | undefined;
}

/** Common input of every host-step activity. */
export interface HostStepInput {
  deploymentId: string;
  application: string;
  host: Host;
  version: string;
}

export interface DeployProgress {
  deploymentId: string;
  status: DeploymentStatus;
  hosts: { name: string; status: HostStatus; error?: string | undefined }[];
}

export interface DeployOutcome {
  status: Extract<DeploymentStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'>;
  hosts: HostResult[];
  error?: string | undefined;
}
