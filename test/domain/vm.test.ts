import { describe, expect, it } from 'vitest';
import {
  buildProvisioningCatalog,
  DEFAULT_PROVISIONING_CATALOG,
  findPlatform,
  provisioningSectionSchema,
  renderDecommissionJob,
  renderJob,
  supportedPlatforms,
} from '../../src/domain/provisioning-catalog.ts';
import { canDecommission, canTransition, isFinal, VM_STATUSES, vmRequestSchema } from '../../src/domain/vm.ts';
import { nextVmNames, osLabel, prefixFits, vmName, vmNamePrefix } from '../../src/domain/vm-naming.ts';

const valid = { application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: 'ubuntu-22.04', count: 3 };
const issuesOf = (body: unknown) => {
  const parsed = vmRequestSchema.safeParse(body);
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => i.path.join('.')))];
};

describe('VM names', () => {
  it('are <application>-<environment>-<stack>-<os>-<sequence>, with a hostname-safe OS label', () => {
    expect(osLabel('ubuntu-22.04')).toBe('ubuntu-2204');
    expect(osLabel('Debian.12')).toBe('debian12');
    const prefix = vmNamePrefix(valid);
    expect(prefix).toBe('shop-production-java-ubuntu-2204');
    expect(vmName(prefix, 7)).toBe('shop-production-java-ubuntu-2204-007');
    expect(vmName(prefix, 1234)).toBe('shop-production-java-ubuntu-2204-1234');
    expect(() => vmName(prefix, 0)).toThrow(/positive integer/);
  });

  it('continue after the last sequence handed out', () => {
    expect(nextVmNames('a-b-c-d', 4, 2)).toEqual([
      { name: 'a-b-c-d-005', sequence: 5 },
      { name: 'a-b-c-d-006', sequence: 6 },
    ]);
  });

  it('must fit a hostname label', () => {
    expect(prefixFits(valid)).toBe(true);
    expect(prefixFits({ ...valid, application: 'a'.repeat(40), environment: 'e'.repeat(10) })).toBe(false);
  });
});

describe('vmRequestSchema', () => {
  it('accepts a request and leaves machineType to the catalog', () => {
    expect(vmRequestSchema.parse(valid)).toEqual(valid);
    expect(vmRequestSchema.parse({ ...valid, machineType: 'm5.large' }).machineType).toBe('m5.large');
  });

  it('names every offending field', () => {
    expect(issuesOf({ ...valid, application: 'Shop; rm -rf /' })).toEqual(['application']);
    expect(issuesOf({ ...valid, osVersion: '../etc' })).toEqual(['osVersion']);
    expect(issuesOf({ ...valid, count: 0 })).toEqual(['count']);
    expect(issuesOf({ ...valid, count: 51 })).toEqual(['count']);
    expect(issuesOf({ ...valid, count: 2.5 })).toEqual(['count']);
    expect(issuesOf({ ...valid, machineType: 'BIG BOX' })).toEqual(['machineType']);
    const { team: _team, ...noTeam } = valid;
    expect(issuesOf(noTeam)).toEqual(['team']);
    expect(issuesOf({ ...valid, image: 'custom' })).toEqual(['']);
  });

  it("leaves the VM names' length to the service (a 422): a schema cannot add up fields", () => {
    expect(issuesOf({ ...valid, application: 'a'.repeat(40), environment: 'e'.repeat(10) })).toEqual([]);
  });
});

describe('VM status machine', () => {
  it('goes REQUESTED → PROVISIONING → READY | FAILED | CANCELLED, then DECOMMISSIONING → DECOMMISSIONED, and never back', () => {
    const allowed = VM_STATUSES.flatMap((from) => VM_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual([
      'REQUESTED→PROVISIONING',
      'REQUESTED→FAILED',
      'REQUESTED→CANCELLED',
      'PROVISIONING→READY',
      'PROVISIONING→FAILED',
      'PROVISIONING→CANCELLED',
      'READY→DECOMMISSIONING',
      'FAILED→DECOMMISSIONING',
      'CANCELLED→DECOMMISSIONING',
      'DECOMMISSIONING→DECOMMISSIONED',
    ]);
    // The creation has ended: a VM request is settled.
    expect(VM_STATUSES.filter(isFinal)).toEqual(['READY', 'FAILED', 'CANCELLED', 'DECOMMISSIONING', 'DECOMMISSIONED']);
    // A failed decommission is started again from DECOMMISSIONING; one being created is not decommissioned.
    expect(VM_STATUSES.filter(canDecommission)).toEqual(['READY', 'FAILED', 'CANCELLED', 'DECOMMISSIONING']);
  });
});

describe('provisioning catalog', () => {
  const values = { ...valid, name: 'shop-production-java-ubuntu-2204-001', machineType: 'n2-standard-2', chefTags: 'app-shop', chefEnvironment: 'production' };

  it('offers stacks × OS versions by default, each with a job whose args name, tag and place the VM', () => {
    expect(supportedPlatforms(DEFAULT_PROVISIONING_CATALOG).map((p) => `${p.stack}/${p.osVersion}`)).toEqual([
      'java/ubuntu-22.04',
      'java/debian-12',
      'java/ubuntu-20.04',
      'node/ubuntu-22.04',
      'node/debian-12',
      'node/ubuntu-20.04',
      'python/ubuntu-22.04',
      'python/debian-12',
      'python/ubuntu-20.04',
    ]);
    const java = findPlatform(DEFAULT_PROVISIONING_CATALOG, 'java', 'ubuntu-22.04')!;
    expect(renderJob(java, values)).toEqual({
      job: 'create-vm',
      args: {
        VM_NAME: 'shop-production-java-ubuntu-2204-001',
        APPLICATION: 'shop',
        ENVIRONMENT: 'production',
        TEAM: 'payments',
        MACHINE_TYPE: 'n2-standard-2',
        STACK: 'java',
        OS_VERSION: 'ubuntu-22.04',
        TAGS: 'app-shop,stack-java,os-ubuntu-22.04',
        CHEF_ENVIRONMENT: 'production',
        IMAGE: 'ubuntu-2204-temurin-21',
      },
    });
    expect(renderDecommissionJob(DEFAULT_PROVISIONING_CATALOG, values)).toEqual({
      job: 'decommission-vm',
      args: { VM_NAME: 'shop-production-java-ubuntu-2204-001', APPLICATION: 'shop', ENVIRONMENT: 'production', STACK: 'java', OS_VERSION: 'ubuntu-22.04' },
    });
    expect(findPlatform(DEFAULT_PROVISIONING_CATALOG, 'java', 'windows-11')).toBeUndefined();
    expect(DEFAULT_PROVISIONING_CATALOG.deadlineSeconds).toBe(1800);
    expect(DEFAULT_PROVISIONING_CATALOG.poll).toEqual({ initialSeconds: 2, maxSeconds: 60 });
  });

  it('reads a config section and reports bad entries by path', () => {
    const section = {
      deadlineMinutes: 5,
      poll: { initialSeconds: 1, maxSeconds: 10 },
      platforms: [{ stack: 'go', osVersion: 'debian-12', job: 'vm-go', machineTypes: ['small'], args: { NAME: '{{ name }}-x' } }],
    };
    const catalog = buildProvisioningCatalog(provisioningSectionSchema.parse(section));
    expect(catalog.deadlineSeconds).toBe(300);
    expect(renderJob(catalog.platforms[0]!, values).args).toEqual({ NAME: 'shop-production-java-ubuntu-2204-001-x' });

    const paths = (body: unknown) => {
      const parsed = provisioningSectionSchema.safeParse(body);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
    };
    const bad = section.platforms[0]!;
    expect(paths({ platforms: [{ ...bad, args: { NAME: '{{secret}}' } }] })).toEqual([
      expect.stringMatching(/^platforms\/0\/args\/NAME: may only use the placeholders/),
    ]);
    expect(paths({ platforms: [{ ...bad, args: { 'bad name': 'x' } }] })).toEqual([expect.stringMatching(/^platforms\/0\/args\/bad name/)]);
    expect(paths({ platforms: [bad, bad] })).toEqual(['platforms/1: go/debian-12 is listed twice']);
    expect(paths({ poll: { initialSeconds: 5, maxSeconds: 1 }, platforms: [bad] })).toEqual(['poll/maxSeconds: must be at least poll.initialSeconds']);
    expect(paths({ platforms: [] })).toEqual([expect.stringMatching(/^platforms: /)]);
    expect(paths({ platforms: [bad], decommission: { job: 'Bad Job' } })).toEqual([expect.stringMatching(/^decommission\/job: /)]);

    const own = buildProvisioningCatalog(provisioningSectionSchema.parse({ ...section, decommission: { job: 'retire-vm', args: { HOST: '{{name}}' } } }));
    expect(renderDecommissionJob(own, values)).toEqual({ job: 'retire-vm', args: { HOST: 'shop-production-java-ubuntu-2204-001' } });
    expect(catalog.decommission.job).toBe('decommission-vm');
  });
});
