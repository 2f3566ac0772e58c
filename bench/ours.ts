import type { DeployRequestInput } from '../src/domain/deploy-request.ts';
import { deployWorkflowId } from '../src/workflows/definitions.ts';
import type { BenchVesemir } from './vesemir.ts';

export interface OurRun {
  id: string;
  workflowId: string;
  /** POST → the deploy workflow's result (its last act is recording SUCCEEDED). */
  ms: number;
}

/**
 * One deploy through the API, timed from the POST to the workflow's result;
 * awaiting the result instead of polling GET keeps the bench from loading
 * the process it measures. Throws unless the deployment SUCCEEDED.
 */
export async function deployThroughApi(v: BenchVesemir, body: DeployRequestInput, timeoutMs = 600_000): Promise<OurRun> {
  const start = performance.now();
  const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: body });
  if (res.statusCode !== 202) throw new Error(`POST /v1/deployments answered ${res.statusCode}: ${res.body}`);
  const { id } = res.json() as { id: string };
  const workflowId = deployWorkflowId(id);
  const timer = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(new Error(`deployment ${id} not finished after ${timeoutMs} ms`)), timeoutMs);
    t.unref();
  });
  // A failed workflow is reported with its cause and the store's record, not as a bare WorkflowFailedError.
  const failure = await Promise.race([v.client.workflow.getHandle(workflowId).result(), timer]).then(
    () => undefined,
    (err: Error & { cause?: Error }) => `${err.message}${err.cause ? `: ${err.cause.message}` : ''}`,
  );
  const ms = performance.now() - start;
  const record = await v.store.getDeployment(id);
  if (failure || record?.status !== 'SUCCEEDED') {
    throw new Error(`deployment ${id} ended ${record?.status}: ${record?.error ?? ''} ${failure ?? ''}`.trim());
  }
  return { id, workflowId, ms };
}
