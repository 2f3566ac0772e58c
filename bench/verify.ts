import { HaproxyLoadBalancer } from '../src/adapters/haproxy/load-balancer.ts';
import { TcpLbRuntime } from '../src/adapters/haproxy/tcp-runtime.ts';
import type { Fleet } from '../test/fleet/fleet.ts';

/**
 * A run that did not deploy is not a measurement: after each run every VM
 * must answer /health with the new version, `current` must point at it, and
 * every HAProxy must have every server ready at full weight.
 */
export async function verifyDeployed(fleet: Fleet, version: string): Promise<void> {
  const problems: string[] = [];
  await Promise.all(
    fleet.vms.map(async (vm) => {
      const res = await fetch(`${vm.appUrl}/health`, { signal: AbortSignal.timeout(5000) }).catch((e: Error) => e);
      if (res instanceof Error) return void problems.push(`${vm.name}: /health ${res.message}`);
      const body = (await res.json().catch(() => ({}))) as { version?: string };
      if (res.status !== 200 || body.version !== version) problems.push(`${vm.name}: /health ${res.status} version ${body.version}`);
      const link = (await fleet.exec(vm.name, ['readlink', `${vm.installDir}/current`])).stdout.trim();
      if (link !== `releases/${version}`) problems.push(`${vm.name}: current -> ${link}`);
    }),
  );
  for (const [i, haproxy] of fleet.haproxies.entries()) {
    const lb = new HaproxyLoadBalancer(new TcpLbRuntime({ port: haproxy.adminPort }));
    const states = await lb.serverStates({ name: `lb${i + 1}`, address: haproxy.bindAddress }, fleet.app.backend);
    for (const vm of fleet.vms) {
      const s = states.find((x) => x.server === vm.name);
      if (s?.admin !== 'ready' || s.weight !== s.initialWeight) {
        problems.push(`lb${i + 1}: ${vm.name} ${s?.admin ?? 'missing'} weight ${s?.weight}/${s?.initialWeight}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`${version} is not deployed everywhere:\n  ${problems.join('\n  ')}`);
}
