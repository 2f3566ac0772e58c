import type { Client } from '@temporalio/client';
import { collectHistories, saveFixture } from '../../src/replay.ts';

/**
 * VESEMIR_RECORD_HISTORIES=test/replay/fixtures re-records the histories
 * that test/replay replays: a deploy with its host children, or a single
 * workflow (VM creation in test/workflows, VM decommissioning in
 * test/integration/vm-decommission.test.ts). Without the variable it does nothing.
 */
const recordDir = process.env.VESEMIR_RECORD_HISTORIES;

export async function recordDeploy(client: Client, deploymentId: string, name: string): Promise<void> {
  if (recordDir) await saveFixture(recordDir, `baseline-${name}`, await collectHistories(client, deploymentId));
}

export async function recordWorkflow(client: Client, workflowId: string, name: string): Promise<void> {
  if (recordDir) await saveFixture(recordDir, `baseline-${name}`, [{ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() }]);
}
