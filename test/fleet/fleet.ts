import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownHostsFile } from '../../src/adapters/ssh/known-hosts-file.ts';
import { Ssh2RemoteHosts } from '../../src/adapters/ssh/remote-hosts.ts';
import { applicationsYaml } from './apps-file.ts';
import { buildRelease, startArtifactServer } from './artifacts.ts';
import type { Fleet, FleetOptions } from './fleet-types.ts';
import { startGoiardi } from './goiardi.ts';
import { addReadyServer, type RunningHaproxy, startHaproxy } from './haproxy.ts';
import { clientKey, knownHostsText, writeKnownHosts } from './keys.ts';
import { type LbBox, startLbBox } from './lb-box.ts';
import { allocateSubnet, freePort } from './net.ts';
import { startSecondApp } from './second-app.ts';
import { startVm } from './vm.ts';

export type { AddVmOptions, Fleet, FleetOptions } from './fleet-types.ts';

/**
 * The real world of one test file, the demo or a benchmark: goiardi with the
 * nodes registered through the signed API, N fake VMs (sshd in their own
 * mount namespaces, the app running), LB boxes each with an HAProxy in front
 * of all VMs, an artifact server, pinned host keys and key-only auth.
 */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const app = options.app ?? 'shop';
  const team = options.team ?? 'payments';
  const environment = options.environment ?? 'production';
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-fleet-'));
  const ip = allocateSubnet();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const key = clientKey(join(dir, 'client'));
    const sshPort = await freePort();
    const appPort = await freePort();
    const chef = await startGoiardi();
    stops.push(chef.stop);
    const artifactsDir = join(dir, 'artifacts');
    const artifacts = await startArtifactServer(artifactsDir);
    stops.push(artifacts.stop);

    const vmCount = options.vms ?? 4;
    const vms = await Promise.all(
      Array.from({ length: vmCount }, (_, i) =>
        startVm({
          name: `${app}-vm${i + 1}`,
          address: ip(10 + i),
          sshPort,
          app: { name: app, port: appPort, startupMs: options.appStartupMs ?? 0 },
          authorizedKey: key.publicKey,
        }),
      ),
    );
    for (const vm of vms) stops.push(vm.stop);
    const second =
      options.secondApp && (await startSecondApp(options.secondApp, { environment, sshPort, authorizedKey: key.publicKey, ip, firstAddress: 100 }));
    if (second) for (const vm of second.vms) stops.push(vm.stop);

    const backend = app;
    const haproxies: RunningHaproxy[] = [];
    const lbBoxes: LbBox[] = [];
    for (let i = 0; i < (options.lbBoxes ?? 1); i++) {
      const address = ip(2 + i);
      const haproxy = await startHaproxy({
        bindAddress: address,
        socketPath: join(dir, `lb${i + 1}-run`, 'admin.sock'),
        backend,
        servers: vms.map((vm) => ({ name: vm.name, address: vm.address, port: appPort, weight: options.serverWeight })),
        extraBackends: second ? [{ name: second.backend, servers: second.vms.map((vm) => ({ name: vm.name, address: vm.address, port: second.port })) }] : [],
      });
      stops.push(haproxy.stop);
      haproxies.push(haproxy);
      const box = await startLbBox({ name: `${app}-lb${i + 1}`, address, sshPort, authorizedKey: key.publicKey, haproxySocketDir: haproxy.socketDir });
      stops.push(box.stop);
      lbBoxes.push(box);
    }

    const boxes = [...vms, ...(second?.vms ?? []), ...lbBoxes];
    const routed = new Map<string, string>();
    for (const [box, ports] of [...vms.map((vm) => [vm, [sshPort, appPort]] as const), ...lbBoxes.map((lb) => [lb, [sshPort]] as const)]) {
      routed.set(box.name, options.reachVia ? await options.reachVia({ name: box.name, address: box.address, ports: [...ports] }) : box.address);
    }
    const deployerAddress = (name: string) => routed.get(name) ?? boxes.find((b) => b.name === name)?.address ?? name;
    const vmTag = `app-${app}`;
    const lbTag = `lb-${app}`;
    for (const vm of vms) await chef.admin.upsertNode({ name: vm.name, environment, tags: [vmTag], ipaddress: deployerAddress(vm.name) });
    for (const lb of lbBoxes) await chef.admin.upsertNode({ name: lb.name, environment, tags: [lbTag], ipaddress: deployerAddress(lb.name) });
    if (second) {
      for (const vm of second.vms) await chef.admin.upsertNode({ name: vm.name, environment, tags: [second.vmTag], ipaddress: vm.address });
      // The same boxes, known to Chef a second time under the other application's name and tag.
      for (const [i, lb] of lbBoxes.entries()) {
        await chef.admin.upsertNode({ name: `${second.name}-lb${i + 1}`, environment, tags: [second.lbTag], ipaddress: lb.address });
      }
    }
    // Vesemir searches as a non-admin client, as it would in production.
    const deployer = await chef.admin.createClient('vesemir', false);

    const chefKeyPath = join(dir, 'chef-vesemir.pem');
    writeFileSync(chefKeyPath, deployer.privateKeyPem, { mode: 0o600 });
    const pinned = [...vms, ...(second?.vms ?? []), ...lbBoxes].map((h) => ({ address: h.address, port: h.sshPort, publicKey: h.hostPublicKey }));
    const viaProxy = [...vms, ...lbBoxes]
      .filter((h) => deployerAddress(h.name) !== h.address)
      .map((h) => ({ address: deployerAddress(h.name), port: h.sshPort, publicKey: h.hostPublicKey }));
    const knownHosts = writeKnownHosts(join(dir, 'known_hosts'), [...pinned, ...viaProxy]);
    const appsFile = join(dir, 'applications.yaml');
    writeFileSync(
      appsFile,
      applicationsYaml([{ name: app, team, environment, vmTag: `app-${app}`, backend, lbTag: `lb-${app}` }, ...(second ? [second] : [])]),
    );

    const ssh = new Ssh2RemoteHosts({ port: sshPort, privateKey: key.privateKey, knownHosts: knownHostsFile(knownHosts.path) });
    let nextAddress = 10 + vmCount;
    const stopped = new Set<string>();
    let retirer: Promise<Record<string, string>> | undefined;
    return {
      dir,
      chef,
      vms,
      lbBoxes,
      haproxies,
      artifacts,
      app: { name: app, team, environment, port: appPort, backend, vmTag, lbTag },
      secondApp: second,
      deployerAddress,
      env: {
        CHEF_SERVER_URL: chef.url,
        CHEF_CLIENT_NAME: 'vesemir',
        CHEF_KEY_PATH: chefKeyPath,
        SSH_USER: 'root',
        SSH_PORT: String(sshPort),
        SSH_KEY_PATH: key.privateKeyPath,
        SSH_KNOWN_HOSTS_PATH: knownHosts.path,
        HAPROXY_TRANSPORT: 'ssh',
        HAPROXY_SOCKET: '/run/haproxy/admin.sock',
        VESEMIR_APPS_FILE: appsFile,
      },
      async release(version, behaviour = 'healthy') {
        const built = await buildRelease({ version, behaviour, appName: app, dir: artifactsDir });
        return { url: artifacts.url(built.fileName), sha256: built.sha256 };
      },
      async addVm(name, vmOptions = {}) {
        const vm = await startVm({
          name,
          address: ip(nextAddress++),
          sshPort,
          app: { name: app, port: appPort, startupMs: options.appStartupMs ?? 0 },
          authorizedKey: key.publicKey,
          ...(vmOptions.osVersion ? { osVersion: vmOptions.osVersion } : {}),
        });
        stops.push(vm.stop);
        vms.push(vm);
        boxes.push(vm);
        appendFileSync(knownHosts.path, knownHostsText([{ address: vm.address, port: sshPort, publicKey: vm.hostPublicKey }]));
        if (vmOptions.inBackend === false) return vm;
        for (const [i, h] of haproxies.entries()) {
          await addReadyServer(h, lbBoxes[i]!.name, backend, { name, address: vm.address, port: appPort });
        }
        return vm;
      },
      async stopVm(name) {
        const vm = vms.find((v) => v.name === name);
        if (!vm || stopped.has(name)) return false;
        stopped.add(name);
        await vm.stop();
        return true;
      },
      retirerEnv() {
        retirer ??= chef.admin.createClient('vesemir-retirer', true).then(({ privateKeyPem }) => {
          const path = join(dir, 'chef-vesemir-retirer.pem');
          writeFileSync(path, privateKeyPem, { mode: 0o600 });
          return { CHEF_CLIENT_NAME: 'vesemir-retirer', CHEF_KEY_PATH: path };
        });
        return retirer;
      },
      async exec(hostName, argv) {
        const box = boxes.find((b) => b.name === hostName);
        if (!box) throw new Error(`no host ${hostName} in this fleet`);
        const session = await ssh.connect({ name: box.name, address: box.address });
        try {
          return await session.exec(argv, { timeoutMs: 30_000 });
        } finally {
          await session.close();
        }
      },
      deployRequest(version, artifact, overrides = {}) {
        return {
          application: app,
          environment,
          team,
          version,
          artifact,
          chef: { tags: [vmTag] },
          haproxy: { backend, chefTags: [lbTag], weight: 50, degradationSeconds: 0 },
          concurrency: 2,
          healthCheck: { port: appPort, path: '/health', timeoutSeconds: 10 },
          ...overrides,
        };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
