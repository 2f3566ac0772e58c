import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { DeployRequestInput } from '../../src/domain/deploy-request.ts';
import type { Fleet } from '../fleet/fleet.ts';

/** What the fault tests ask the API, through `inject`, and how they wait on its answers. */

export type Api = FastifyInstance;
export interface HostView {
  name: string;
  status: string;
  error?: string | null;
  steps: { name: string; status: string; attempts: number }[];
}
export interface DeploymentView {
  id: string;
  status: string;
  error?: string | null;
  hosts: HostView[];
}
export interface LogEntry {
  host: string;
  step: string;
  round: number;
  attempt: number;
  status: string;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function postDeploy(api: Api, fleet: Fleet, version: string, overrides: Partial<DeployRequestInput> = {}): Promise<string> {
  const res = await api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest(version, await fleet.release(version), overrides) });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as string;
}

export async function getDeployment(api: Api, id: string): Promise<DeploymentView> {
  const res = await api.inject({ method: 'GET', url: `/v1/deployments/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function getLogs(api: Api, id: string): Promise<LogEntry[]> {
  const res = await api.inject({ method: 'GET', url: `/v1/deployments/${id}/logs` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().steps;
}

/** Polls until the deployment is terminal; `api()` so a test can swap the API instance meanwhile. */
export async function waitTerminal(api: () => Api, id: string, timeoutMs: number): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await getDeployment(api(), id);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.status)) return d;
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} still ${d.status} after ${timeoutMs} ms: ${JSON.stringify(d.hosts.map((h) => [h.name, h.status]))}`);
    await sleep(100);
  }
}

/** Waits until some host of the deployment has a SUCCEEDED record of `step`. */
export async function waitForStep(api: Api, id: string, step: string, host?: string, timeoutMs = 30_000): Promise<void> {
  await expect
    .poll(async () => (await getLogs(api, id)).some((s) => s.step === step && s.status === 'SUCCEEDED' && (!host || s.host === host)), {
      timeout: timeoutMs,
      interval: 25,
    })
    .toBe(true);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
