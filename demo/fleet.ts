import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CreateVm, DecommissionVm } from './proctor.ts';

export interface DeployFile {
  path: string;
  version: string;
  artifact: { url: string; sha256: string };
}

export interface DemoFleet {
  app: { name: string; team: string; environment: string };
  /** Vesemir's configuration for this fleet, as environment variables. */
  env: Record<string, string>;
  /** One line: the VMs and the HAProxy frontend in front of them. */
  summary: string;
  /** Builds and serves release `version`, and writes a deploy request of it to `dir`; answers the file's path and the artifact. */
  writeDeployFile(version: string, dir: string): Promise<DeployFile>;
  /** The provisioning job: boots a VM, adds it to HAProxy and registers it in Chef with the job's tags. */
  createVm: CreateVm;
  /** The decommission job: stops the VM and deletes its Chef node (Vesemir took it out of HAProxy before). */
  decommissionVm: DecommissionVm;
  stop(): Promise<void>;
}

/**
 * The demo's world: goiardi, HAProxy and four fake VMs over SSH from
 * test/fleet (development only: the fleet code ships with the tests).
 */
export async function startDemoFleet(): Promise<DemoFleet> {
  const { startFleet } = await import('../test/fleet/fleet.ts');
  const fleet = await startFleet({ vms: 4, app: 'shop', team: 'payments', environment: 'production' });
  const { name, team, environment } = fleet.app;
  return {
    app: { name, team, environment },
    // `vesemir vm delete` deletes Chef nodes: a client allowed to (docs/vms.md).
    env: { ...fleet.env, ...(await fleet.retirerEnv()) },
    summary: `${fleet.vms.map((vm) => `${vm.name} (${vm.address})`).join(', ')} behind ${fleet.haproxies[0]?.frontendUrl}`,
    async writeDeployFile(version, dir) {
      const artifact = await fleet.release(version);
      const path = join(dir, `${name}-${version}.yaml`);
      writeFileSync(
        path,
        `# ${name} ${version} for the demo fleet; flags override fields (--version, --concurrency, …)\n${stringify(fleet.deployRequest(version, artifact))}`,
      );
      return { path, version, artifact };
    },
    async createVm(args) {
      const vmName = args.VM_NAME ?? '';
      const vm = await fleet.addVm(vmName, args.OS_VERSION ? { osVersion: args.OS_VERSION } : {});
      const tags = (args.TAGS ?? '').split(',').filter(Boolean);
      await fleet.chef.admin.upsertNode({ name: vmName, environment: args.CHEF_ENVIRONMENT ?? args.ENVIRONMENT ?? environment, tags, ipaddress: vm.address });
    },
    async decommissionVm(args) {
      const vmName = args.VM_NAME ?? '';
      await fleet.stopVm(vmName);
      await fleet.chef.admin.deleteNode(vmName);
    },
    stop: fleet.stop,
  };
}
