import { readFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Secrets live in files the worker reads (Chef key, SSH key, tokens), never in
// workflow payloads: every history on the run's Temporal server is dumped as
// JSON and searched for them.

let fleet: Fleet;
let v: Vesemir;
useStack({ vms: 2 }, (s) => ({ fleet, v } = s));

/** The distinctive middle of a PEM/OpenSSH key: a base64 line no payload would hold by chance. */
function keyMaterial(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.length >= 40 && !line.startsWith('-----'))
    .slice(0, 3);
}

/** A history as text, with every payload's base64 `data` decoded so that what it carries is searchable. */
function readable(json: string): string {
  const decoded: string[] = [json];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.data === 'string' && o.metadata) decoded.push(Buffer.from(o.data, 'base64').toString('utf8'));
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return decoded.join('\n');
}

describe('no secret in any workflow history', () => {
  it('holds for every history on the server after real deploys', async () => {
    const ok = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v2', await fleet.release('v2')) });
    await waitForDeployment(v.api, ok.json().id);
    const broken = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: fleet.deployRequest('v3', await fleet.release('v3', 'crash')) });
    await waitForDeployment(v.api, broken.json().id);

    const file = (path: string) => readFileSync(path, 'utf8');
    const secrets = [...keyMaterial(file(fleet.env.CHEF_KEY_PATH!)), ...keyMaterial(file(fleet.env.SSH_KEY_PATH!)), ...keyMaterial(fleet.chef.adminKeyPem)];
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    let histories = 0;
    let decodedSample = '';
    let bytes = 0;
    for await (const wf of v.ctx.client.workflow.list()) {
      const text = readable(historyToJSON(await v.ctx.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
      histories++;
      if (wf.workflowId === `deploy-${ok.json().id}`) decodedSample = text;
      bytes += text.length;
      expect(text).not.toMatch(/PRIVATE KEY|BEGIN OPENSSH|Access-Token/);
      for (const secret of secrets) expect(text.includes(secret), `${wf.workflowId} holds key material`).toBe(false);
    }
    expect(histories).toBeGreaterThan(3);
    expect(bytes).toBeGreaterThan(10_000);
    // The check can see what payloads carry: the deploy's own request is there, decoded.
    expect(decodedSample).toContain('"application":"shop"');
  });
});
