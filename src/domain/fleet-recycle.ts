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

export * from './fleet-recycle-batches.ts';
