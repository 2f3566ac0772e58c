import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { RecycleStore } from '../../src/adapters/store/recycle-store.ts';
import type { Principal } from '../../src/api/auth.ts';
import { FleetRecycleService } from '../../src/api/fleet-recycle-service.ts';
import { applicationsFileSchema, buildCatalog } from '../../src/domain/applications.ts';
import type { DeploymentRecord, DeploymentStore } from '../../src/domain/deployment.ts';
import { VesemirError } from '../../src/domain/errors.ts';
import type { RecycleRequest } from '../../src/domain/fleet-recycle.ts';
import { DEFAULT_PROVISIONING_CATALOG } from '../../src/domain/provisioning-catalog.ts';
import type { VmRecord, VmStore } from '../../src/domain/vm.ts';

// The checks POST /v1/fleet-recycles makes before anything is stored or
// started: the applications file is the ceiling, there must be old VMs, a
// release the fleet runs and a platform for the new OS.

const scope = (team: string, backend: string) => ({
  team,
  environments: ['production'],
  chef: { tags: [`app-${backend}`] },
  haproxy: { backends: [backend], lbChefTags: [`lb-${backend}`] },
});
const applications = buildCatalog(applicationsFileSchema.parse({ applications: { shop: scope('payments', 'shop'), blog: scope('search', 'blog') } }));
const payments: Principal = { name: 'payments-ci', team: 'payments', admin: false };
const request: RecycleRequest = {
  application: 'shop',
  environment: 'production',
  fromOsVersion: 'ubuntu-20.04',
  toOsVersion: 'ubuntu-22.04',
  batchSize: 2,
  maxFailedBatches: 0,
};
const oldVm = { name: 'shop-vm1', status: 'READY', osVersion: 'ubuntu-20.04', stack: 'java', machineType: 'n2-standard-2', address: '127.0.0.2' } as VmRecord;
const deployed = {
  id: 'd-1',
  request: { version: 'v2', artifact: {}, healthCheck: { port: 8080 }, haproxy: { weight: 10, degradationSeconds: 0 } },
} as DeploymentRecord;

function service(world: { vms?: VmRecord[]; last?: DeploymentRecord | undefined } = {}) {
  const started: string[] = [];
  const inserted: string[] = [];
  const svc = new FleetRecycleService({
    recycles: {
      insertRecycle: async (r) => {
        inserted.push(r.id);
        return { created: true };
      },
      saveProgress: async () => undefined,
      getRecycle: async (id) => ({ id }) as never,
    } satisfies RecycleStore,
    deployments: { listDeployments: async () => ('last' in world ? (world.last ? [world.last] : []) : [deployed]) } as unknown as DeploymentStore,
    vmStore: {
      listVms: async () => world.vms ?? [oldVm],
      countVms: async () => ({ total: 1, byStack: {}, byOsVersion: { 'ubuntu-20.04': 1 }, byPlatform: [] }),
    } as unknown as VmStore,
    client: { workflow: { start: async (_: string, o: { workflowId: string }) => started.push(o.workflowId) } } as unknown as Client,
    taskQueue: 'q',
    catalog: DEFAULT_PROVISIONING_CATALOG,
    applications,
  });
  return { svc, started, inserted };
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(VesemirError);
  return { type: (err as VesemirError).type, message: (err as VesemirError).message };
};

describe('FleetRecycleService', () => {
  it('stores the recycle and starts recycle-<id> for the owning team', async () => {
    const { svc, started, inserted } = service();
    await svc.start(request, payments);
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toMatch(/^fr-[0-9a-f-]{36}$/);
    expect(started).toEqual([`recycle-${inserted[0]}`]);
  });

  it("refuses another team's application and an environment outside the file, starting nothing", async () => {
    const { svc, started } = service();
    const search: Principal = { name: 'search-ci', team: 'search', admin: false };
    expect(await refusal(svc.start(request, search))).toMatchObject({ type: 'OutsideApplicationScope' });
    expect(await refusal(svc.start({ ...request, environment: 'staging' }, payments))).toMatchObject({ type: 'OutsideApplicationScope' });
    expect(await refusal(svc.start({ ...request, application: 'nope' }, payments))).toMatchObject({ type: 'UnknownApplication' });
    expect(started).toEqual([]);
  });

  it('refuses with nothing to recycle, no SUCCEEDED deploy, another currentRelease or an OS without a job', async () => {
    expect(await refusal(service({ vms: [] }).svc.start(request, payments))).toMatchObject({ type: 'NothingToRecycle' });
    expect(await refusal(service({ last: undefined }).svc.start(request, payments))).toMatchObject({ type: 'NoCurrentRelease' });
    const other = await refusal(service().svc.start({ ...request, currentRelease: 'v1' }, payments));
    expect(other).toMatchObject({ type: 'NoCurrentRelease' });
    expect(other.message).toContain('currentRelease v1 is not the release');
    expect(await refusal(service().svc.start({ ...request, toOsVersion: 'beos-5' }, payments))).toMatchObject({ type: 'UnsupportedPlatform' });
  });
});
