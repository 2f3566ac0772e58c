import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ReleaseBehaviour, writeRelease } from './artifacts.ts';
import { type SshBox, startSshBox } from './ssh-box.ts';
import { DEFAULT_OS_VERSION, osReleaseText, SERVICE_COMMAND, serviceScript } from './vm-scripts.ts';

export { SERVICE_COMMAND } from './vm-scripts.ts';

export interface VmOptions {
  /** Also the app's host name in its answers (APP_HOST). */
  name: string;
  /** 127.x.y.z; sshd and the app listen here. */
  address: string;
  sshPort: number;
  app: {
    name: string;
    port: number;
    /** Release installed and started at boot. @default 'v1' */
    initialVersion?: string;
    /** @default 'healthy' */
    initialBehaviour?: ReleaseBehaviour;
    /** How long /health answers 503 after each (re)start. @default 0 */
    startupMs?: number;
  };
  /** Public key line allowed to log in as root. */
  authorizedKey: string;
  /** Holds ssh_host_ed25519_key(.pub); generated there when missing. @default the VM's own dir */
  hostKeyDir?: string;
  /** What its /etc/os-release says, as the catalog names it (`ubuntu-22.04`). @default DEFAULT_OS_VERSION */
  osVersion?: string;
}

/** A VM is an SSH box with the app installed. */
export interface FakeVm extends SshBox {
  /** `/opt/<app>` inside the VM. */
  installDir: string;
  /** `http://address:port` of the app. */
  appUrl: string;
  osVersion: string;
}

/**
 * A fake VM: sshd in its own mount namespace with the app installed like on
 * a real one — `/opt/<app>/releases/<v>`, `current` → `releases/<v>`, and
 * `/etc/vesemir/service` to control it. The first release runs when this
 * resolves, so /health answers at once.
 */
export async function startVm(options: VmOptions): Promise<FakeVm> {
  const { name, address, sshPort, app } = options;
  const version = app.initialVersion ?? 'v1';
  const osVersion = options.osVersion ?? DEFAULT_OS_VERSION;
  const box = await startSshBox({
    name,
    address,
    sshPort,
    authorizedKey: options.authorizedKey,
    ...(options.hostKeyDir ? { hostKeyDir: options.hostKeyDir } : {}),
    prepare: ({ etcUpper, optUpper }) => {
      const installDir = join(optUpper, app.name);
      writeRelease(join(installDir, 'releases', version), {
        version,
        appName: app.name,
        behaviour: app.initialBehaviour ?? 'healthy',
      });
      symlinkSync(`releases/${version}`, join(installDir, 'current'));
      const service = join(etcUpper, SERVICE_COMMAND.replace(/^\/etc\//, ''));
      mkdirSync(join(service, '..'), { recursive: true });
      writeFileSync(service, serviceScript({ vmName: name, appName: app.name, address, port: app.port, startupMs: app.startupMs ?? 0 }));
      chmodSync(service, 0o755);
      // The host's /etc/os-release is a symlink into /usr/lib; the VM's own file hides it in the overlay.
      writeFileSync(join(etcUpper, 'os-release'), osReleaseText(osVersion));
    },
    // A VM that boots with a broken release still boots: the deploy repairs it.
    boot: [`${SERVICE_COMMAND} start || true`],
  });
  return {
    ...box,
    installDir: `/opt/${app.name}`,
    appUrl: `http://${address}:${app.port}`,
    osVersion,
  };
}
