import { freePort } from './net.ts';
import { type FakeVm, startVm } from './vm.ts';

/** The second application of a fleet (see FleetOptions.secondApp). */
export interface SecondApp {
  name: string;
  team: string;
  environment: string;
  port: number;
  backend: string;
  vmTag: string;
  lbTag: string;
  vms: FakeVm[];
}

/** Boots the second application's VMs on the fleet's subnet from `firstAddress` on; its names and tags derive from its name. */
export async function startSecondApp(
  spec: { name: string; team: string; vms: number },
  world: { environment: string; sshPort: number; authorizedKey: string; ip: (n: number) => string; firstAddress: number },
): Promise<SecondApp> {
  const port = await freePort();
  const vms = await Promise.all(
    Array.from({ length: spec.vms }, (_, i) =>
      startVm({
        name: `${spec.name}-vm${i + 1}`,
        address: world.ip(world.firstAddress + i),
        sshPort: world.sshPort,
        app: { name: spec.name, port },
        authorizedKey: world.authorizedKey,
      }),
    ),
  );
  const { name, team, environment } = { ...spec, environment: world.environment };
  return { name, team, environment, port, backend: name, vmTag: `app-${name}`, lbTag: `lb-${name}`, vms };
}
