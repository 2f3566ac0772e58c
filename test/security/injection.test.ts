import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../fleet/fleet.ts';
import { useStack } from '../support/stack.ts';
import { type Vesemir, waitForDeployment } from '../support/vesemir.ts';

// Shell metacharacters and path traversal in every string of every body and
// path parameter: refused with 400 naming the field — and a canary file that
// each payload would create proves that no command ran anywhere.

let fleet: Fleet;
let v: Vesemir;
const canary = `/tmp/vesemir-canary-${randomUUID()}`;
const evil = [
  `; touch ${canary}`,
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `x && touch ${canary}`,
  `x | touch ${canary}`,
  `x\ntouch ${canary}`,
  '../../../../etc/passwd',
  'shop/../../root',
  "x' ; touch '",
];

useStack({ vms: 2 }, (s) => ({ fleet, v } = s));

/** Every path to a string in `value`, e.g. `haproxy.chefTags.0`. */
function stringPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...prefix, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}

function withValue<T>(body: T, path: string[], replacement: string): T {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = replacement;
  return copy as T;
}

async function canaryFound(): Promise<string[]> {
  const found = existsSync(canary) ? ['host'] : [];
  for (const box of [...fleet.vms, ...fleet.lbBoxes]) {
    const r = await fleet.exec(box.name, ['sh', '-c', `test -e ${canary} || test -e /opt/shop/${canary.slice(5)}`]);
    if (r.exitCode === 0) found.push(box.name);
  }
  return found;
}

describe('hostile strings in requests', () => {
  it('refuses them in every string field of a deploy body, naming the field; no command runs', async () => {
    const body = fleet.deployRequest('v2', await fleet.release('v2'));
    const accepted: string[] = [];
    let refused = 0;
    for (const path of stringPaths(body)) {
      for (const value of evil) {
        const res = await v.api.inject({ method: 'POST', url: '/v1/deployments', payload: withValue(body, path, value) });
        if (res.statusCode === 202) {
          accepted.push(res.json().id);
          // Only a URL may carry such characters (percent-encoded); it is fetched, never run.
          expect(path.join('.'), value).toBe('artifact.url');
          continue;
        }
        expect(res.statusCode, `${path.join('.')} = ${JSON.stringify(value)}: ${res.body}`).toBe(400);
        expect(res.json().issues.map((i: { field: string }) => i.field)).toContain(`body.${path.join('.')}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(80);
    for (const id of accepted) expect((await waitForDeployment(v.api, id)).status).toBe('FAILED');
    expect(await canaryFound()).toEqual([]);
  });

  it('refuses them in path parameters and queries', async () => {
    for (const value of evil) {
      const id = encodeURIComponent(value);
      for (const url of [`/v1/deployments/${id}`, `/v1/deployments/${id}/logs`, `/v1/deployments?application=${id}`]) {
        const res = await v.api.inject({ method: 'GET', url });
        expect([400, 404], `${url}: ${res.statusCode}`).toContain(res.statusCode);
      }
      const res = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/cancel`, payload: {} });
      expect([400, 404]).toContain(res.statusCode);
    }
    expect(await canaryFound()).toEqual([]);
  });

  it('would see the canary if a command had run (the check itself works)', async () => {
    const vm = fleet.vms[0]!.name;
    await fleet.exec(vm, ['touch', canary]);
    expect(await canaryFound()).toEqual([vm]);
    await fleet.exec(vm, ['rm', '-f', canary]);
    expect(await canaryFound()).toEqual([]);
  });
});
