import { deployRequestSchema } from '../domain/deploy-request.ts';
import type { DeploymentRecord, StepSummary } from '../domain/deployment.ts';
import { failingStep, HOST_STEPS, ROLLBACK_STEPS } from '../domain/deployment.ts';
import { RUNBOOK_PATH, runbookLink } from '../domain/errors.ts';
import type { VmRequestRecord } from '../domain/vm.ts';
import type { QueuePlace } from './deployment-queue.ts';
import type { DeploymentView } from './schemas.ts';

export interface LinkBuilder {
  self(id: string): string;
  temporalUi(workflowId: string): string;
  /** A VM request (the fleet a deploy created). @default /v1/vm-requests/<id> */
  vmRequest?(id: string): string;
}

type ProvisioningView = NonNullable<DeploymentView['provisioning']>;

/** The progress of the fleet a deploy creates: VMs READY of the total, and those that failed (or were cancelled). */
export function provisioningView(request: VmRequestRecord, links: LinkBuilder): ProvisioningView {
  const count = (...statuses: string[]) => request.vms.filter((vm) => statuses.includes(vm.status));
  return {
    requestId: request.id,
    stack: request.stack,
    osVersion: request.osVersion,
    total: request.vms.length,
    ready: count('READY').length,
    failed: count('FAILED', 'CANCELLED').length,
    vms: request.vms.map((vm) => ({ name: vm.name, status: vm.status, error: vm.error ?? null })),
    link: links.vmRequest?.(request.id) ?? `/v1/vm-requests/${request.id}`,
  };
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
const stepOrder: string[] = [...HOST_STEPS, ...ROLLBACK_STEPS];

type StepView = DeploymentView['hosts'][number]['steps'][number];

/** The error type and its runbook link (VESEMIR_DOCS_URL), or nulls. */
const typed = (errorType: string | null | undefined, docsUrl: string) => ({
  errorType: errorType ?? null,
  docs: errorType ? runbookLink(docsUrl, errorType) : null,
});

/** Folds step attempts into one row per step (the latest attempt), in step order. */
function stepsOf(host: string, steps: StepSummary[], docsUrl: string): StepView[] {
  const latest = new Map<string, StepSummary>();
  const attempts = new Map<string, number>();
  // Every execution counts as an attempt; a re-run after a crash may repeat an attempt number.
  const compareRuns = (a: StepSummary, b: StepSummary) =>
    (a.round ?? 1) - (b.round ?? 1) || a.attempt - b.attempt || a.startedAt.getTime() - b.startedAt.getTime();
  for (const s of steps) {
    if (s.host !== host) continue;
    attempts.set(s.step, (attempts.get(s.step) ?? 0) + 1);
    const seen = latest.get(s.step);
    if (!seen || compareRuns(s, seen) >= 0) latest.set(s.step, s);
  }
  return [...latest.values()]
    .sort((a, b) => stepOrder.indexOf(a.step) - stepOrder.indexOf(b.step))
    .map((s) => ({
      name: s.step,
      status: s.status,
      attempts: attempts.get(s.step) ?? 1,
      startedAt: s.startedAt.toISOString(),
      finishedAt: iso(s.finishedAt),
      error: s.error ?? null,
      ...typed(s.status === 'FAILED' ? s.errorType : undefined, docsUrl),
      outputTail: s.outputTail,
    }));
}

/** `docsUrl` (VESEMIR_DOCS_URL) is where each failed step's and host's `docs` link points. */
export function deploymentView(
  d: DeploymentRecord,
  steps: StepSummary[],
  links: LinkBuilder,
  place?: QueuePlace,
  docsUrl = RUNBOOK_PATH,
  fleet?: VmRequestRecord,
): DeploymentView {
  return {
    id: d.id,
    application: d.application,
    environment: d.environment,
    team: d.team,
    version: d.version,
    status: d.status,
    requestedBy: d.requestedBy,
    chefQuery: d.chefQuery ?? null,
    loadBalancers: d.loadBalancers,
    createdAt: d.createdAt.toISOString(),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    durationMs: d.startedAt && d.finishedAt ? d.finishedAt.getTime() - d.startedAt.getTime() : null,
    error: d.error ?? null,
    ...place,
    provisioning: fleet ? provisioningView(fleet, links) : null,
    // Stored as validated; a request from before a schema change may no longer parse.
    request: deployRequestSchema.safeParse(d.request).data ?? null,
    rollbackOf: d.rollbackOf ?? null,
    rolledBackBy: d.rolledBackBy ?? null,
    rollbackReason: d.rollbackReason ?? null,
    hosts: d.hosts.map((h) => {
      const hostSteps = stepsOf(h.name, steps, docsUrl);
      const failed = h.error ? failingStep(hostSteps) : undefined;
      return {
        name: h.name,
        address: h.address,
        status: h.status,
        error: h.error ?? null,
        ...typed(failed?.errorType, docsUrl),
        previousVersion: h.previousVersion ?? null,
        steps: hostSteps,
      };
    }),
    links: { self: links.self(d.id), temporalUi: links.temporalUi(d.workflowId) },
  };
}

export function hostCounts(d: DeploymentRecord): Record<string, number> {
  const counts: Record<string, number> = { total: d.hosts.length };
  for (const h of d.hosts) counts[h.status] = (counts[h.status] ?? 0) + 1;
  return counts;
}
