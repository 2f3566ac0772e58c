import { join } from 'node:path';
import type { Fleet } from '../test/fleet/fleet.ts';
import type { AnsibleBaseline } from './ansible.ts';
import type { FloorScript } from './floor.ts';
import { deployThroughApi, type OurRun } from './ours.ts';
import { progress } from './report.ts';
import { verifyDeployed } from './verify.ts';
import type { BenchVesemir } from './vesemir.ts';

export type Side = 'ours' | 'ansible' | 'floor';

export interface ConcurrencyResult {
  concurrency: number;
  ms: Record<Side, number[]>;
  ourRuns: OurRun[];
}

export interface CompareInput {
  fleet: Fleet;
  vesemir: BenchVesemir;
  ansible: AnsibleBaseline;
  floor: FloorScript;
  concurrencies: number[];
  runs: number;
}

/**
 * Same fleet, same steps, same tiny changeset: Vesemir through its API, the
 * Ansible playbook and the bare script, each run deploying a new version
 * (nothing is a no-op) and verified afterwards. The order rotates every
 * round so that no side always runs first (or always right after another).
 */
export async function compareOnFleet(input: CompareInput): Promise<ConcurrencyResult[]> {
  const { fleet, vesemir, ansible, floor } = input;
  let next = 2;
  const deployOnce = async (side: Side, concurrency: number): Promise<{ ms: number; run?: OurRun }> => {
    const version = `v${next++}`;
    const artifact = await fleet.release(version);
    const path = join(fleet.dir, 'artifacts', `${fleet.app.name}-${version}.tar.gz`);
    let result: { ms: number; run?: OurRun };
    if (side === 'ours') {
      const run = await deployThroughApi(vesemir, fleet.deployRequest(version, artifact, { concurrency }));
      result = { ms: run.ms, run };
    } else if (side === 'ansible') {
      result = { ms: await ansible.deploy(version, path, concurrency) };
    } else {
      result = { ms: await floor.deploy(version, path, artifact.sha256, concurrency) };
    }
    await verifyDeployed(fleet, version);
    return result;
  };

  // Warm-up, untimed: JIT and the first SSH handshakes (Ansible's ControlPersist masters).
  for (const side of ['ours', 'ansible', 'floor'] as const) await deployOnce(side, 6);

  const results: ConcurrencyResult[] = [];
  for (const concurrency of input.concurrencies) {
    const r: ConcurrencyResult = { concurrency, ms: { ours: [], ansible: [], floor: [] }, ourRuns: [] };
    for (let round = 0; round < input.runs; round++) {
      const sides: Side[] = ['ours', 'ansible', 'floor'];
      const order = [...sides.slice(round % 3), ...sides.slice(0, round % 3)];
      for (const side of order) {
        const { ms, run } = await deployOnce(side, concurrency);
        r.ms[side].push(ms);
        if (run) r.ourRuns.push(run);
        progress(`concurrency ${concurrency} round ${round + 1}/${input.runs}: ${side} ${(ms / 1000).toFixed(2)} s`);
      }
    }
    results.push(r);
  }
  return results;
}
