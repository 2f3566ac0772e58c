import type { Fleet } from '../test/fleet/fleet.ts';

/**
 * `npm run demo`: a local fleet (goiardi, HAProxy, four fake VMs over SSH)
 * from test/fleet, and one real deploy to it through the API, printed as it
 * goes. Development only: the fleet code ships with the tests.
 */
let fleet: Fleet | undefined;

export async function startDemoFleet(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const { startFleet } = await import('../test/fleet/fleet.ts');
  fleet = await startFleet({ vms: 4, app: 'shop', team: 'payments', environment: 'production' });
  process.stdout.write(`Demo fleet: ${fleet.vms.map((vm) => `${vm.name} (${vm.address})`).join(', ')} behind ${fleet.haproxies[0]?.frontendUrl}\n`);
  return { env: fleet.env, stop: fleet.stop };
}

interface HostRow {
  name: string;
  status: string;
  steps: { name: string; status: string }[];
}

export async function runDemoDeploy(apiUrl: string): Promise<void> {
  if (!fleet) throw new Error('demo fleet not started');
  const artifact = await fleet.release('v2');
  const body = fleet.deployRequest('v2', artifact, { concurrency: 2 });
  const res = await fetch(`${apiUrl}/v1/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const created = (await res.json()) as { id: string; links: { temporalUi: string } };
  if (res.status !== 202) throw new Error(`demo deploy refused: ${JSON.stringify(created)}`);
  process.stdout.write(`\nDeploying shop v2 → ${created.id}\n  Temporal UI: ${created.links.temporalUi}\n`);
  let last = '';
  for (;;) {
    const d = (await (await fetch(`${apiUrl}/v1/deployments/${created.id}`)).json()) as {
      status: string;
      hosts: HostRow[];
      durationMs: number | null;
      error: string | null;
    };
    const line = d.hosts.map((h) => `${h.name}:${h.status}${h.status === 'RUNNING' ? `(${h.steps.at(-1)?.name ?? '…'})` : ''}`).join('  ');
    if (line !== last) process.stdout.write(`  [${d.status}] ${line}\n`);
    last = line;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.status)) {
      process.stdout.write(`Deployment ${d.status} in ${d.durationMs ?? '?'} ms${d.error ? `: ${d.error}` : ''}\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
