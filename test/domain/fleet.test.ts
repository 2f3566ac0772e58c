import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadApplications } from '../../src/adapters/applications-file.ts';
import { applicationsFileSchema, buildCatalog } from '../../src/domain/applications.ts';
import { fleetFor } from '../../src/domain/fleet.ts';
import { fleetRequestId, fleetVerdict } from '../../src/domain/fleet-budget.ts';
import { chefPlacement } from '../../src/domain/provisioning-catalog.ts';

const base = {
  team: 'payments',
  environments: ['production', 'staging'],
  chef: { tags: ['app-shop'] },
  haproxy: { backends: ['shop'], lbChefTags: ['lb-shop'] },
};
const fleet = { stack: 'python', osVersion: 'ubuntu-22.04', count: { production: 3 } };

const issues = (file: unknown) => {
  const parsed = applicationsFileSchema.safeParse(file);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
};
const withFleet = (f: unknown, extra: object = {}) => ({ applications: { shop: { ...base, fleet: f } }, ...extra });

describe("the applications file's fleet", () => {
  it('is optional; a declared one is read into the catalog, per environment', () => {
    expect(issues({ applications: { shop: base } })).toEqual([]);
    expect(issues(withFleet(fleet))).toEqual([]);
    const app = buildCatalog(applicationsFileSchema.parse(withFleet({ ...fleet, machineType: 'n2-standard-4' }))).get('shop')!;
    expect(fleetFor(app, 'production')).toEqual({ stack: 'python', osVersion: 'ubuntu-22.04', machineType: 'n2-standard-4', count: 3 });
    expect(fleetFor(app, 'staging')).toBeUndefined();
    const without = buildCatalog(applicationsFileSchema.parse({ applications: { shop: base } })).get('shop')!;
    expect(fleetFor(without, 'production')).toBeUndefined();
  });

  it('must be a (stack, OS) and machine type the provisioning catalog offers, for environments of the application', () => {
    expect(issues(withFleet({ ...fleet, osVersion: 'windows-11' }))).toEqual([
      expect.stringMatching(/^applications\/shop\/fleet\/stack: python\/windows-11 is not in the provisioning catalog; offered: java\/ubuntu-22\.04, /),
    ]);
    expect(issues(withFleet({ ...fleet, machineType: 'm5.large' }))).toEqual([
      "applications/shop/fleet/machineType: 'm5.large' is not offered for python/ubuntu-22.04; offered: n2-standard-2, n2-standard-4, n2-highmem-4",
    ]);
    expect(issues(withFleet({ ...fleet, count: { qa: 2 } }))).toEqual([
      "applications/shop/fleet/count/qa: 'qa' is not one of environments (production, staging)",
    ]);
    expect(issues(withFleet({ ...fleet, count: { production: 0 } }))).toEqual(['applications/shop/fleet/count/production: must be 1..50']);
    expect(issues(withFleet({ ...fleet, count: {} }))).toEqual(['applications/shop/fleet/count: must name at least one environment']);
    expect(issues(withFleet({ ...fleet, size: 3 }))).toEqual([expect.stringMatching(/^applications\/shop\/fleet: Unrecognized key: "size"/)]);
  });

  it("is checked against the file's own provisioning section when it has one", () => {
    const provisioning = {
      platforms: [{ stack: 'go', osVersion: 'debian-12', job: 'vm-go', machineTypes: ['small'], args: { NAME: '{{name}}' } }],
    };
    expect(issues(withFleet({ stack: 'go', osVersion: 'debian-12', count: { staging: 1 } }, { provisioning }))).toEqual([]);
    expect(issues(withFleet(fleet, { provisioning }))).toEqual([
      'applications/shop/fleet/stack: python/ubuntu-22.04 is not in the provisioning catalog; offered: go/debian-12',
    ]);
  });

  it('refuses to load a file with a bad fleet, naming the file and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vesemir-fleet-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'applications.yaml');
    writeFileSync(path, stringify(withFleet({ ...fleet, count: { qa: 2 } })));
    expect(() => loadApplications(path)).toThrow(
      `VESEMIR_APPS_FILE ${path}:\n  applications/shop/fleet/count/qa: 'qa' is not one of environments (production, staging)`,
    );
  });

  it("places a new VM in Chef with the application's scope tags and Chef environment", () => {
    const app = { chef: { tags: ['shop-web', 'team-payments'], environments: { production: 'prod' } } };
    expect(chefPlacement(app, 'shop', 'production')).toEqual({ chefTags: 'shop-web,team-payments', chefEnvironment: 'prod' });
    expect(chefPlacement(app, 'shop', 'staging')).toEqual({ chefTags: 'shop-web,team-payments', chefEnvironment: 'staging' });
    expect(chefPlacement(undefined, 'shop', 'staging')).toEqual({ chefTags: 'app-shop', chefEnvironment: 'staging' });
  });
});

describe("a partial creation and the deploy's failure budget", () => {
  const vm = (name: string, status: string, error?: string) => ({ name, status, error });

  it('goes on with the READY VMs while the failed ones are within maxFailedHosts', () => {
    expect(fleetVerdict([vm('a', 'READY'), vm('b', 'READY'), vm('c', 'READY')], 0)).toEqual({ proceed: true, ready: ['a', 'b', 'c'], failed: [] });
    expect(fleetVerdict([vm('a', 'READY'), vm('b', 'FAILED', 'quota'), vm('c', 'READY')], 1)).toEqual({ proceed: true, ready: ['a', 'c'], failed: ['b'] });
  });

  it('fails naming the VMs (and why) when more failed than the budget allows', () => {
    const verdict = fleetVerdict([vm('a', 'READY'), vm('b', 'FAILED', 'quota exceeded'), vm('c', 'FAILED', 'no definitive result')], 1);
    expect(verdict).toEqual({
      proceed: false,
      ready: ['a'],
      failed: ['b', 'c'],
      reason: '2 of the 3 VMs created for this deploy failed, more than maxFailedHosts (1): b FAILED: quota exceeded; c FAILED: no definitive result',
    });
  });

  it('fails when no VM came up, whatever the budget', () => {
    const verdict = fleetVerdict([vm('a', 'FAILED', 'quota'), vm('b', 'CANCELLED')], 5);
    expect(verdict).toMatchObject({ proceed: false, reason: 'none of the 2 VMs created for this deploy came up READY: a FAILED: quota; b CANCELLED' });
  });

  it("derives the VM request's id from the deployment's, as GET /v1/vm-requests/{id} accepts it", () => {
    expect(fleetRequestId('d-0123456789abcdef0123456789abcdef')).toBe('vr-0123456789abcdef0123456789abcdef');
    expect(fleetRequestId('d-3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b')).toMatch(/^vr-[a-f0-9-]{8,64}$/);
  });
});
