import { z } from 'zod';
import { expects, slug, version } from './names.ts';
import { osVersion } from './vm.ts';

/**
 * A fleet recycle (docs/vms.md, "Recycling a fleet onto a new OS"): the READY
 * VMs of an application/environment on one OS are replaced batch by batch by
 * new VMs on another, each new batch serving before the old one is retired.
 */
export const RECYCLE_STATUSES = ['QUEUED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RecycleStatus = (typeof RECYCLE_STATUSES)[number];
export const FINAL_RECYCLE_STATUSES: readonly RecycleStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const recycleRequestSchema = z
  .strictObject({
    application: slug,
    environment: slug,
    /** The OS the VMs to replace are on. @default every READY VM not on `toOsVersion` */
    fromOsVersion: osVersion.optional(),
    toOsVersion: osVersion,
    /** The new VMs' stack. @default each old VM's own */
    stack: slug.optional(),
    /** Old VMs replaced at a time (new ones created, served, then the old retired). */
    batchSize: z.number(expects('a number of VMs 1..100')).int().min(1).max(100),
    /** The release the new VMs get; it must be the last SUCCEEDED deploy's. @default that deploy's version */
    currentRelease: version.optional(),
    /** Batches that may fail (compensated: their new VMs retired, the old kept) before the recycle stops. @default 0 */
    maxFailedBatches: z.number(expects('a number of batches, 0 or more')).int().min(0).max(100).default(0),
  })
  .meta({ example: { application: 'shop', environment: 'production', fromOsVersion: 'ubuntu-20.04', toOsVersion: 'ubuntu-22.04', batchSize: 2 } });

export type RecycleRequest = z.infer<typeof recycleRequestSchema>;

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
