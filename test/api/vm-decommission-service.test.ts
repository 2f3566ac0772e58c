import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/auth.ts';
import { VmDecommissionService } from '../../src/api/vm-decommission-service.ts';
import { applicationsFileSchema, buildCatalog } from '../../src/domain/applications.ts';
import { VesemirError } from '../../src/domain/errors.ts';
import { DEFAULT_PROVISIONING_CATALOG } from '../../src/domain/provisioning-catalog.ts';
import type { VmRecord, VmStatus, VmStore } from '../../src/domain/vm.ts';

// The checks DELETE /v1/vms/{name} makes before anything changes, and what it
// starts: the applications file is the ceiling, a VM being created is refused.

const scope = (team: string, backend: string) => ({
  team,
  environments: ['production'],
  chef: { tags: [`app-${backend}`] },
  haproxy: { backends: [backend], lbChefTags: [`lb-${backend}`] },
});
const applications = buildCatalog(applicationsFileSchema.parse({ applications: { shop: scope('payments', 'shop'), blog: scope('search', 'blog') } }));
const payments: Principal = { name: 'payments-ci', team: 'payments', admin: false };

function vm(overrides: Partial<VmRecord> = {}): VmRecord {
  const at = new Date(0);
  return {
    name: 'shop-production-java-ubuntu-2204-001',
    requestId: 'vr-1',
    application: 'shop',
    environment: 'production',
    team: 'payments',
    stack: 'java',
    osVersion: 'ubuntu-22.04',
    machineType: 'n2-standard-2',
    sequence: 1,
    status: 'READY',
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    transitions: [],
    ...overrides,
  };
}

function world(start: () => Promise<unknown> = async () => undefined) {
  const moves: VmStatus[] = [];
  const starts: { workflowId: string; args: unknown[] }[] = [];
  let current = vm();
  const store = {
    transition: async (_name: string, to: VmStatus) => {
      moves.push(to);
      current = { ...current, status: to };
      return current;
    },
    setDecommissionError: async (_name: string, error: string | undefined) => {
      current = { ...current, error };
    },
    getVm: async () => current,
  } as unknown as VmStore;
  const client = {
    workflow: {
      start: async (_type: string, options: { workflowId: string; args: unknown[] }) => {
        starts.push(options);
        return start();
      },
    },
  } as unknown as Client;
  const service = new VmDecommissionService({ store, client, taskQueue: 'q', catalog: DEFAULT_PROVISIONING_CATALOG, applications });
  return { service, moves, starts, current: () => current };
}

const refusal = async (promise: Promise<unknown>) => {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(VesemirError);
  return err as VesemirError;
};

describe('VmDecommissionService', () => {
  it('saves DECOMMISSIONING, then starts decommission-vm-<name> with the catalog’s deadline', async () => {
    const w = world();
    const { vm: answered, started } = await w.service.decommission(vm(), payments);
    expect([answered.status, started]).toEqual(['DECOMMISSIONING', true]);
    expect(w.moves).toEqual(['DECOMMISSIONING']);
    expect(w.starts).toEqual([
      expect.objectContaining({
        workflowId: 'decommission-vm-shop-production-java-ubuntu-2204-001',
        args: [
          { name: 'shop-production-java-ubuntu-2204-001', requestedBy: 'payments-ci', deadlineSeconds: 1800, poll: { initialSeconds: 2, maxSeconds: 60 } },
        ],
      }),
    ]);
  });

  it('answers a DECOMMISSIONED VM as it is and starts nothing', async () => {
    const w = world();
    expect(await w.service.decommission(vm({ status: 'DECOMMISSIONED' }), payments)).toMatchObject({ started: false, vm: { status: 'DECOMMISSIONED' } });
    expect([w.moves, w.starts]).toEqual([[], []]);
  });

  it('refuses, before changing anything, a VM of another team’s application even under the caller’s team, one being created, and an unknown application', async () => {
    const w = world();
    const foreign = await refusal(w.service.decommission(vm({ application: 'blog' }), payments));
    expect(foreign.type).toBe('OutsideApplicationScope');
    expect(foreign.message).toContain("application 'blog' of team 'search'");
    expect((await refusal(w.service.decommission(vm({ status: 'PROVISIONING' }), payments))).type).toBe('VmStillProvisioning');
    expect((await refusal(w.service.decommission(vm({ application: 'gone' }), payments))).type).toBe('UnknownApplication');
    expect([w.moves, w.starts]).toEqual([[], []]);
    // An admin may act for any team.
    expect((await w.service.decommission(vm({ application: 'blog', team: 'search' }), { name: 'ops', admin: true })).started).toBe(true);
  });

  it('clears the error of a failed run when it starts again, and keeps the reason when the start fails', async () => {
    const w = world(async () => {
      throw new Error('connection refused');
    });
    const err = await refusal(w.service.decommission(vm({ status: 'DECOMMISSIONING', error: 'decommission job: FAILED' }), payments));
    expect(err.type).toBe('TemporalUnavailable');
    expect(w.current().error).toBe('the decommission could not be started: connection refused');
  });
});
