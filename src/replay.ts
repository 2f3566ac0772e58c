// Placeholder until the replay library lands (issue 5): see replayDeployment below.
export interface ReplayOptions {
  address: string;
  namespace: string;
  deploymentId: string;
  /** Writes the histories as JSON fixtures into this directory. */
  saveDir?: string | undefined;
}

export interface ReplayReport {
  workflowId: string;
  ok: boolean;
  error?: string | undefined;
}

export async function replayDeployment(_options: ReplayOptions): Promise<ReplayReport[]> {
  throw new Error('replay is not implemented yet');
}
