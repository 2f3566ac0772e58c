/**
 * A fleet recycle's plan and progress, apart from the request's schema: the
 * workflows import this file, and a module imported by workflow code is
 * evaluated once per cached workflow run (the request's zod schema stays out).
 */
import type { RecycleRequest, RecycleStatus } from './fleet-recycle.ts';

export type { RecycleRequest } from './fleet-recycle.ts';

/** One VM to replace, as the inventory knows it. */
export interface OldVm {
  name: string;
  address: string;
  stack: string;
  osVersion: string;
  machineType: string;
}

export type RecycleVmStatus = 'PENDING' | 'PROVISIONING' | 'DEPLOYING' | 'SERVING' | 'RETIRING' | 'RETIRED' | 'FAILED' | 'KEPT';

export interface RecycleVmProgress {
  name: string;
  status: RecycleVmStatus;
  error?: string | undefined;
}

export interface RecycleBatch {
  index: number;
  status: 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED' | 'SKIPPED';
  old: RecycleVmProgress[];
  new: RecycleVmProgress[];
  error?: string | undefined;
}

/** READY VMs per OS version of the application/environment. */
export type OsCounts = Record<string, number>;

export interface RecycleProgress {
  recycleId: string;
  status: RecycleStatus;
  release?: string | undefined;
  batches: RecycleBatch[];
  countsBefore?: OsCounts | undefined;
  countsAfter?: OsCounts | undefined;
  error?: string | undefined;
}

/**
 * The old VMs in batches of `batchSize`, in name order (the inventory's
 * sequence): the same fleet always gives the same plan.
 */
export function planRecycleBatches(old: readonly OldVm[], batchSize: number): OldVm[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`invalid batch size ${batchSize}`);
  const sorted = [...old].sort((a, b) => a.name.localeCompare(b.name));
  const batches: OldVm[][] = [];
  for (let at = 0; at < sorted.length; at += batchSize) batches.push(sorted.slice(at, at + batchSize));
  return batches;
}

/** The VMs a recycle replaces: READY ones of the application/environment on `from` (or on any OS but `to`). */
export function vmsToRecycle<T extends { status: string; osVersion: string }>(vms: readonly T[], from: string | undefined, to: string): T[] {
  return vms.filter((vm) => vm.status === 'READY' && (from ? vm.osVersion === from : vm.osVersion !== to));
}

/** Whether the recycle stops after `failed` failed batches. */
export function budgetSpent(failed: number, maxFailedBatches: number): boolean {
  return failed > maxFailedBatches;
}

/** The platform of a batch's new VMs: the request's stack or the old VM's, the old one's machine type. */
export function replacementPlatform(batch: readonly OldVm[], request: Pick<RecycleRequest, 'stack' | 'toOsVersion'>) {
  const first = batch[0]!;
  return { stack: request.stack ?? first.stack, osVersion: request.toOsVersion, machineType: first.machineType };
}

/** Deterministic ids: a repeated step finds what it did. */
export const recycleWorkflowId = (recycleId: string) => `recycle-${recycleId}`;
export const recycleBatchRequestId = (recycleId: string, batch: number) => `vr-${recycleId.replace(/^fr-/, '')}-b${batch}`;
/** The deployment record the new VMs' host steps are written under (GET /v1/deployments/{id} shows them). */
export const recycleDeploymentId = (recycleId: string) => `d-${recycleId.replace(/^fr-/, '')}`;
