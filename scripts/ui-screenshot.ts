// Screenshots of the Temporal UI pages of host workflows on the demo stack:
// the demo deploy's first host (its timeline, and the durations its history
// records per activity for comparing with the picture), then a deploy held in
// its health wait (pending waitHealthy) and rolled back. Run by
// scripts/ui-screenshot.sh:
//   node --experimental-websocket --import tsx scripts/ui-screenshot.ts TEMPORAL_ADDRESS UI_URL API_URL DEPLOYMENT_ID OUT_DIR
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { DeployHostInput } from '../src/domain/deploy-types.ts';
import { buildRelease, startArtifactServer } from '../test/fleet/artifacts.ts';
import { screenshot } from './chromium-screenshot.ts';

const [address, uiUrl, apiUrl, deploymentId, outDir] = process.argv.slice(2);
if (!address || !uiUrl || !apiUrl || !deploymentId || !outDir) {
  process.stderr.write('usage: node --experimental-websocket --import tsx scripts/ui-screenshot.ts TEMPORAL_ADDRESS UI_URL API_URL DEPLOYMENT_ID OUT_DIR\n');
  process.exit(2);
}

/** What demo/fleet.ts's fleet is registered as in Chef and the applications file. */
const DEMO_FLEET = { environment: 'production', team: 'payments', chef: { tags: ['app-shop'] } };
const DEMO_LB_TAGS = ['lb-shop'];
/** Long enough to take the screenshots of the pending health wait. */
const HELD_SECONDS = 45;

type Event = temporal.api.history.v1.IHistoryEvent;
const ms = (e: Event | undefined) => Number(e?.eventTime?.seconds ?? 0) * 1000 + (e?.eventTime?.nanos ?? 0) / 1e6;

/** One line per activity: its type and scheduled → completed time, as the UI's bar spans it. */
function activityDurations(events: Event[]): string[] {
  const scheduled = new Map<string, Event>();
  const lines: string[] = [];
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), e);
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    const start = closed && scheduled.get(String(closed.scheduledEventId));
    if (start) lines.push(`${start.activityTaskScheduledEventAttributes?.activityType?.name}: ${(ms(e) - ms(start)).toFixed(1)} ms`);
  }
  return lines;
}

/** The first host workflow a deploy started (waiting up to 30 s for it), with its run ID and its input. */
async function firstHost(client: Client, deploymentId: string) {
  let child: temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes | null | undefined;
  for (let tries = 0; !child?.workflowId; tries++) {
    if (tries > 120) throw new Error(`deploy-${deploymentId} started no host workflow`);
    if (tries > 0) await new Promise((r) => setTimeout(r, 250));
    const parent = await client.workflow.getHandle(`deploy-${deploymentId}`).fetchHistory();
    child = parent.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)?.startChildWorkflowExecutionInitiatedEventAttributes;
  }
  const handle = client.workflow.getHandle(child.workflowId);
  const { runId } = await handle.describe();
  const input = JSON.parse(Buffer.from(child.input?.payloads?.[0]?.data ?? []).toString()) as DeployHostInput;
  return { workflowId: child.workflowId, runId, handle, input, page: `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(child.workflowId)}/${runId}` };
}

async function shoot(name: string, url: string): Promise<void> {
  const file = join(outDir!, `${name}.png`);
  await screenshot(url, file);
  process.stdout.write(`${url}\n  → ${file}\n`);
}

const api = (path: string, body?: unknown) =>
  fetch(`${apiUrl}${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}).then(
    (r) => r.json() as Promise<{ id: string; status: string }>,
  );

const connection = await Connection.connect({ address });
const stops: (() => Promise<unknown>)[] = [() => connection.close()];
try {
  const client = new Client({ connection });
  mkdirSync(outDir, { recursive: true });

  // 1. The demo's deploy, done: one bar per step.
  const done = await firstHost(client, deploymentId);
  process.stdout.write(`host workflow ${done.workflowId} (run ${done.runId}), activities scheduled → completed:\n`);
  for (const line of activityDurations((await done.handle.fetchHistory()).events ?? [])) process.stdout.write(`  ${line}\n`);
  await shoot('1-host-timeline', `${done.page}/timeline`);
  await shoot('2-host-history', `${done.page}/history`);

  // 2. A release whose /health answers 500, served from here: its health wait is held
  // open for HELD_SECONDS, then it fails and the host is rolled back.
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-ui-release-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  const built = await buildRelease({ version: 'v3', behaviour: 'unhealthy', appName: done.input.application, dir });
  const server = await startArtifactServer(dir);
  stops.push(server.stop);
  const held = await api('/v1/deployments', {
    application: done.input.application,
    ...DEMO_FLEET,
    version: 'v3',
    artifact: { url: server.url(built.fileName), sha256: built.sha256 },
    haproxy: { backend: done.input.backend, chefTags: DEMO_LB_TAGS, weight: 50, degradationSeconds: 0 },
    concurrency: 1,
    healthCheck: { ...done.input.healthCheck, timeoutSeconds: HELD_SECONDS },
  });
  if (!held.id) throw new Error(`the held deploy was refused: ${JSON.stringify(held)}`);
  process.stdout.write(`held deploy ${held.id}: v3 answers /health with 500\n`);
  const waiting = await firstHost(client, held.id);
  const deadline = Date.now() + 60_000;
  for (let pending = false; !pending; await new Promise((r) => setTimeout(r, 250))) {
    if (Date.now() > deadline) throw new Error(`${waiting.workflowId} never showed a pending waitHealthy with a heartbeat`);
    const { raw } = await waiting.handle.describe();
    pending = raw.pendingActivities?.some((a) => a.activityType?.name === 'waitHealthy' && a.lastHeartbeatTime) ?? false;
  }
  await shoot('3-held-pending-activities', `${waiting.page}/pending-activities`);
  await shoot('4-held-timeline', `${waiting.page}/timeline`);
  for (let status = ''; !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status); await new Promise((r) => setTimeout(r, 500))) {
    status = (await api(`/v1/deployments/${held.id}`)).status;
  }
  // The rollback steps are bars of their own after the failed health wait.
  await shoot('5-rolled-back-timeline', `${waiting.page}/timeline`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
