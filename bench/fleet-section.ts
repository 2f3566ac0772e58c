import { join } from 'node:path';
import type { Fleet } from '../test/fleet/fleet.ts';
import { prepareAnsible } from './ansible.ts';
import { compareOnFleet } from './compare.ts';
import { prepareFloor } from './floor.ts';
import { measureOverhead } from './overhead.ts';
import { progress } from './report.ts';
import { reportFleet, reportOverhead, type Verdict } from './section-reports.ts';
import type { Toxiproxy } from './toxiproxy.ts';
import type { BenchVesemir } from './vesemir.ts';

/** How long the fleet's app answers /health with 503 after a restart. */
export const APP_STARTUP_MS = 500;

/** The one-way latencies the fleet section runs at; the targets are judged at the realistic one. */
export const FLEET_LATENCIES_MS = [0, 25] as const;
export const JUDGED_LATENCY_MS = 25;

export interface FleetSectionInput {
  fleet: Fleet;
  vesemir: BenchVesemir;
  toxiproxy: Toxiproxy;
  work: string;
  runs: number;
  concurrencies: number[];
}

/** Ours vs Ansible vs the floor at each latency, then where our time went; the last deployment's id for the API section. */
export async function fleetSection(input: FleetSectionInput, verdicts: Verdict[]) {
  const { fleet, vesemir, toxiproxy } = input;
  const ansible = prepareAnsible(fleet, join(input.work, 'ansible'));
  const floor = prepareFloor(fleet);
  const byLatency: Record<string, unknown> = {};
  let lastDeploymentId: string | undefined;
  for (const latencyMs of FLEET_LATENCIES_MS) {
    progress(`fleet at ${latencyMs} ms one-way latency (toxiproxy), app startup ${APP_STARTUP_MS} ms`);
    await toxiproxy.setLatency(latencyMs);
    const compared = await compareOnFleet({ fleet, vesemir, ansible, floor, concurrencies: input.concurrencies, runs: input.runs });
    const judged = latencyMs === JUDGED_LATENCY_MS;
    const conditions = { latencyMs, appStartupMs: APP_STARTUP_MS, judged };
    const deploys = reportFleet(compared, verdicts, conditions);
    progress('reading workflow histories and step records');
    const ourRuns = compared.flatMap((c) => c.ourRuns);
    const overhead = reportOverhead(await measureOverhead(vesemir.client, vesemir.store, ourRuns), verdicts, conditions);
    byLatency[`${latencyMs}ms`] = { deploys, ...overhead };
    lastDeploymentId = ourRuns.at(-1)?.id ?? lastDeploymentId;
  }
  await toxiproxy.setLatency(0);
  return { report: { appStartupMs: APP_STARTUP_MS, byLatency }, lastDeploymentId };
}
