import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_DRAIN_TIMEOUT_MS } from '../src/activities/deps.ts';
import { HaproxyLoadBalancer } from '../src/adapters/haproxy/load-balancer.ts';
import { SshLbRuntime } from '../src/adapters/haproxy/ssh-runtime.ts';
import { HttpHealthProbe } from '../src/adapters/health/http-health-probe.ts';
import { parseKnownHosts } from '../src/adapters/ssh/known-hosts.ts';
import { PooledRemoteHosts } from '../src/adapters/ssh/pooled-remote-hosts.ts';
import { Ssh2RemoteHosts } from '../src/adapters/ssh/remote-hosts.ts';
import type { Host, RemoteSession } from '../src/domain/ports.ts';
import * as release from '../src/domain/release-commands.ts';
import type { Fleet } from '../test/fleet/fleet.ts';
import { SERVICE_COMMAND } from '../test/fleet/vm.ts';

/**
 * The floor: the same steps with the same adapters and the same commands,
 * no orchestrator — no Temporal, no database. SSH connections pooled as the
 * worker pools them; the LB through SSH + socat like Vesemir's default; every
 * host and LB box at the address Chef gives Vesemir.
 * Nothing can be faster without changing the work itself.
 */
export interface FloorScript {
  deploy(version: string, artifactPath: string, sha256: string, concurrency: number): Promise<number>;
}

export function prepareFloor(fleet: Fleet): FloorScript {
  // Pooled like the worker's (src/app/adapters.ts): connections outlive a deploy, so a handshake is not counted against the floor alone.
  const remote = new PooledRemoteHosts(
    new Ssh2RemoteHosts({
      port: Number(fleet.env.SSH_PORT),
      privateKey: readFileSync(fleet.env.SSH_KEY_PATH!, 'utf8'),
      knownHosts: parseKnownHosts(readFileSync(fleet.env.SSH_KNOWN_HOSTS_PATH!, 'utf8')),
    }),
  );
  const lb = new HaproxyLoadBalancer(new SshLbRuntime(remote, { socketPath: fleet.env.HAPROXY_SOCKET! }));
  const health = new HttpHealthProbe();
  const lbs: Host[] = fleet.lbBoxes.map((b) => ({ name: b.name, address: fleet.deployerAddress(b.name) }));
  const installDir = `/opt/${fleet.app.name}`;
  const { backend, port } = fleet.app;

  const run = async (s: RemoteSession, argv: readonly string[]) => {
    const r = await s.exec(argv, { timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
    return r;
  };

  const deployHost = async (host: Host, version: string, bytes: Buffer, sha256: string) => {
    const layout = { installDir, version };
    const s = await remote.connect(host);
    try {
      await run(s, release.inspectAndPrepareCommand(layout));
      await s.upload(bytes, release.incomingArchive(layout), 0o600);
      await run(s, release.verifyAndUnpackCommand(layout, sha256));
      await lb.drain(lbs, backend, host.name, { drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS });
      await run(s, release.activateCommand(layout));
      await run(s, [SERVICE_COMMAND, 'restart']);
      for (let probe = 0; ; probe++) {
        const answer = await health.get(`http://${host.address}:${port}/health`, 2000).catch(() => undefined);
        if (answer && answer.status >= 200 && answer.status < 300) break;
        if (probe >= 200) throw new Error(`${host.name}: not healthy`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await lb.enable(lbs, backend, host.name, { percent: 50 });
      await lb.enable(lbs, backend, host.name, { percent: 100 });
    } finally {
      await s.close();
    }
  };

  return {
    async deploy(version, artifactPath, sha256, concurrency) {
      const start = performance.now();
      // Like the worker: read and verify the artifact once per deploy.
      const bytes = readFileSync(artifactPath);
      if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`${artifactPath}: checksum mismatch`);
      const pending: Host[] = fleet.vms.map((vm) => ({ name: vm.name, address: fleet.deployerAddress(vm.name) }));
      // Sliding window of `concurrency`, like the deploy workflow.
      const worker = async () => {
        for (let host = pending.shift(); host; host = pending.shift()) await deployHost(host, version, bytes, sha256);
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return performance.now() - start;
    },
  };
}
