import { expect } from 'vitest';
import type { DeploymentView, LogEntry } from '../faults/deployment-api.ts';
import type { Fleet } from '../fleet/fleet.ts';

/** The fault tests' questions (test/faults/deployment-api.ts), asked of an API process over HTTP. */

async function call<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function postDeploy(api: string, fleet: Fleet, version: string, overrides: Parameters<Fleet['deployRequest']>[2] = {}): Promise<string> {
  const payload = fleet.deployRequest(version, await fleet.release(version), overrides);
  const res = await call<{ id: string }>(`${api}/v1/deployments`, { method: 'POST', body: JSON.stringify(payload) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id;
}

export async function getDeployment(api: string, id: string): Promise<DeploymentView> {
  const res = await call<DeploymentView>(`${api}/v1/deployments/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function getLogs(api: string, id: string): Promise<LogEntry[]> {
  const res = await call<{ steps: LogEntry[] }>(`${api}/v1/deployments/${id}/logs`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.steps;
}

export async function waitTerminal(api: string, id: string, timeoutMs: number): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await getDeployment(api, id);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.status)) return d;
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} still ${d.status} after ${timeoutMs} ms: ${JSON.stringify(d.hosts.map((h) => [h.name, h.status]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Until some host has a SUCCEEDED record of `step`. */
export async function waitForStep(api: string, id: string, step: string, timeoutMs = 30_000): Promise<void> {
  await expect
    .poll(async () => (await getLogs(api, id)).some((s) => s.step === step && s.status === 'SUCCEEDED'), { timeout: timeoutMs, interval: 25 })
    .toBe(true);
}
