import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { type History, historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { workflowsPath } from './app/worker.ts';
import { AesGcmPayloadCodec } from './temporal/codec.ts';
import type { TemporalConnectionOptions } from './temporal/connection-options.ts';
import { deployWorkflowId } from './workflows/definitions.ts';

/**
 * Replaying a deployment: fetch the histories of its workflow (every run)
 * and of each host's child, and run them through the current workflow code.
 * A change that would break deploys in flight fails here with the event it
 * diverges at (see docs/operating.md, "Changing workflow code").
 */
export interface ReplayOptions {
  address: string;
  /** TLS and API key, as the service reaches the cluster. */
  connection?: TemporalConnectionOptions | undefined;
  namespace: string;
  deploymentId: string;
  /** Writes the histories as one JSON fixture into this directory. */
  saveDir?: string | undefined;
  /** A file with the payload key (VESEMIR_PAYLOAD_KEY_PATH) when payloads are encrypted. */
  payloadKeyPath?: string | undefined;
}

export interface ReplayReport {
  workflowId: string;
  ok: boolean;
  error?: string | undefined;
}

export interface RecordedWorkflow {
  workflowId: string;
  history: History;
}

export async function replayDeployment(options: ReplayOptions): Promise<ReplayReport[]> {
  const connection = await Connection.connect({ address: options.address, ...options.connection });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    const workflows = await collectHistories(client, options.deploymentId);
    if (workflows.length === 0) throw new Error(`no workflow found for deployment ${options.deploymentId}`);
    if (options.saveDir) await saveFixture(options.saveDir, options.deploymentId, workflows);
    const dataConverter = options.payloadKeyPath ? { payloadCodecs: [new AesGcmPayloadCodec(readFileSync(options.payloadKeyPath))] } : undefined;
    return await replayWorkflows(workflows, { workflowsPath }, dataConverter);
  } finally {
    await connection.close();
  }
}

/** Every run of the deployment's workflow, and the children each run started. */
export async function collectHistories(client: Client, deploymentId: string): Promise<RecordedWorkflow[]> {
  const workflowId = deployWorkflowId(deploymentId);
  const runs: string[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run.runId);
  const out: RecordedWorkflow[] = [];
  for (const runId of runs.reverse()) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    out.push({ workflowId, history });
    for (const event of history.events ?? []) {
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) {
        out.push({ workflowId: child.workflowId, history: await client.workflow.getHandle(child.workflowId, child.runId).fetchHistory() });
      }
    }
  }
  return out;
}

export async function replayWorkflows(
  workflows: RecordedWorkflow[],
  code: { workflowBundle: WorkflowBundle } | { workflowsPath: string } = { workflowsPath },
  dataConverter?: DataConverter,
): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = [];
  const histories = workflows.map(({ workflowId, history }) => ({ workflowId, history }));
  const options = { ...code, replayName: 'vesemir-replay', ...(dataConverter ? { dataConverter } : {}) };
  for await (const result of Worker.runReplayHistories(options, histories)) {
    reports.push({ workflowId: result.workflowId, ok: !result.error, error: result.error ? `${result.error.name}: ${result.error.message}` : undefined });
  }
  return reports;
}

export async function saveFixture(dir: string, name: string, workflows: RecordedWorkflow[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const body = workflows.map((w) => `{"workflowId":${JSON.stringify(w.workflowId)},"history":${historyToJSON(w.history)}}`);
  await writeFile(path, `{"workflows":[\n${body.join(',\n')}\n]}\n`);
  return path;
}

export function loadFixture(json: string): RecordedWorkflow[] {
  const parsed = JSON.parse(json) as { workflows: { workflowId: string; history: unknown }[] };
  return parsed.workflows.map((w) => ({ workflowId: w.workflowId, history: historyFromJSON(w.history) }));
}
