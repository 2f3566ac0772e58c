import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpLbRuntime } from '../../src/adapters/haproxy/tcp-runtime.ts';
import { hashToken, loadTokens } from '../../src/api/auth.ts';
import { parseServersState, showServersStateCommand } from '../../src/domain/haproxy.ts';
import type { LbServerState } from '../../src/domain/ports.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import type { SecondApp } from '../fleet/second-app.ts';
import { startVesemir, type Vesemir } from '../support/vesemir.ts';

// Two applications of two teams on one goiardi and one HAProxy (two
// backends; the LB box known to Chef once per application). With the
// payments token nothing reaches the other application's fleet: refused
// naming the field, or narrowed so that the node set never leaves shop's scope.

const PAYMENTS = 'payments-token-0123456789';
let fleet: Fleet;
let blog: SecondApp;
let v: Vesemir;
let artifact: { url: string; sha256: string };
let watcher: ReturnType<typeof watchBackend>;

beforeAll(async () => {
  fleet = await startFleet({ vms: 3, secondApp: { name: 'blog', team: 'search', vms: 2 } });
  blog = fleet.secondApp!;
  const tokensPath = join(fleet.dir, 'tokens.yaml');
  writeFileSync(tokensPath, `tokens:\n  - { name: payments-ci, team: payments, sha256: ${hashToken(PAYMENTS)} }\n`);
  v = await startVesemir(fleet, {}, { tokens: loadTokens(tokensPath) });
  await v.startWorker();
  artifact = await fleet.release('v2');
  watcher = watchBackend(fleet, blog.backend);
}, 180_000);
afterAll(async () => {
  await watcher?.stop();
  await v?.close();
  await fleet?.stop();
});

/** `show servers state <backend>` on every HAProxy of the fleet, through the real runtime API. */
async function backendStates(f: Fleet, backend: string): Promise<LbServerState[]> {
  const all = await Promise.all(
    f.haproxies.map(async (h, i) => {
      const runtime = new TcpLbRuntime({ port: h.adminPort });
      return parseServersState(await runtime.send({ name: f.lbBoxes[i]!.name, address: h.bindAddress }, showServersStateCommand(backend)));
    }),
  );
  return all.flat();
}

/** Remembers every server of `backend` ever seen out of READY, for the whole file. */
function watchBackend(f: Fleet, backend: string) {
  const seen = new Set<string>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const s of await backendStates(f, backend)) if (s.admin !== 'ready') seen.add(`${s.server} ${s.admin}`);
      samples++;
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  return {
    snapshot: () => ({ notReady: [...seen], samples }),
    async stop() {
      running = false;
      await loop;
    },
  };
}

const auth = { authorization: `Bearer ${PAYMENTS}` };
const post = (body: object, dryRun = false) =>
  v.api.inject({ method: 'POST', url: `/v1/deployments${dryRun ? '?dryRun=true' : ''}`, payload: body, headers: auth });

/** waitForDeployment with the payments token (auth is on here). */
async function finished(id: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const body = (await v.api.inject({ method: 'GET', url: `/v1/deployments/${id}`, headers: auth })).json();
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`deployment ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const request = (over: Record<string, unknown> = {}) => ({ ...fleet.deployRequest('v2', artifact), ...over });
/** A minimal request: no tags, backend or LB tags; the application's scope fills them in. */
const minimal = (over: Record<string, unknown> = {}) => {
  const { chef: _c, haproxy: _h, ...rest } = fleet.deployRequest('v2', artifact);
  return { ...rest, ...over };
};
const names = (hosts: { name: string }[]) => hosts.map((h) => h.name).sort();
const shopVms = () => names(fleet.vms);
const blogNodes = () => [...names(blog.vms), ...fleet.lbBoxes.map((_, i) => `blog-lb${i + 1}`)];

describe('the application scope is the ceiling', () => {
  it('fills in the scope for a request that names no targets, and records the escaped query', async () => {
    const res = await post(minimal(), true);
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan.chefQuery).toBe('tags:app\\-shop AND chef_environment:production');
    expect(plan.loadBalancerQuery).toBe('tags:lb\\-shop AND chef_environment:production');
    expect(names(plan.hosts)).toEqual(shopVms());
    expect(names(plan.loadBalancers)).toEqual(['shop-lb1']);
  });

  it("narrows the other application's tags to nothing: a dry run lists none of its nodes", async () => {
    const res = await post(request({ chef: { tags: ['app-blog'] }, haproxy: { backend: 'shop', chefTags: ['lb-blog'] } }), true);
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan.chefQuery).toBe('tags:app\\-shop AND chef_environment:production AND tags:app\\-blog');
    expect(plan.hosts).toEqual([]);
    expect(plan.loadBalancers).toEqual([]);
  });

  it('refuses the other backend, an environment outside the scope and the other team, naming the field', async () => {
    for (const dryRun of [true, false]) {
      const backend = await post(request({ haproxy: { backend: blog.backend, chefTags: [fleet.app.lbTag] } }), dryRun);
      expect(backend.statusCode).toBe(403);
      expect(backend.json()).toMatchObject({ error: 'OutsideApplicationScope', field: 'haproxy.backend' });
      const env = await post(request({ environment: 'staging' }), dryRun);
      expect(env.statusCode).toBe(403);
      expect(env.json()).toMatchObject({ field: 'environment' });
      const team = await post(request({ application: blog.name }), dryRun);
      expect(team.statusCode).toBe(403);
      expect(team.json()).toMatchObject({ error: 'WrongTeam', field: 'team' });
      expect((await post(request({ application: blog.name, team: blog.team }), dryRun)).statusCode).toBe(403);
    }
  });

  it('refuses a tag with a wildcard, and chef.query values that try to leave their group, naming the field', async () => {
    const star = await post(request({ chef: { tags: ['app-*'] } }), true);
    expect(star.statusCode).toBe(400);
    expect(star.json().issues[0].field).toBe('body.chef.tags.0');
    for (const query of ['x) OR (name:*', '"a" OR name:lb', '*:*', 'name:*', 'tags:"app-shop', '(name:shop-vm1', 'name:shop-vm1)', '()']) {
      for (const dryRun of [true, false]) {
        const res = await post(request({ chef: { query } }), dryRun);
        expect(res.statusCode, query).toBe(422);
        expect(res.json(), query).toMatchObject({ error: 'InvalidTarget', field: 'chef.query' });
      }
    }
  });

  it('never finds more than the scope, whatever the accepted query says (node sets compared)', async () => {
    const everything = names(await fleet.chef.admin.searchNodes('name:*'));
    expect(everything).toEqual(expect.arrayContaining([...shopVms(), ...blogNodes()]));
    for (const query of [
      '(tags:app-blog OR tags:app-shop)',
      'tags:app-blog OR name:blog-vm1',
      'NOT tags:app-shop',
      'name:*vm* OR name:*lb*',
      'NOT name:shop-vm1',
      'chef_environment:production',
    ]) {
      const res = await post(request({ chef: { tags: [fleet.app.vmTag], query } }), true);
      expect(res.statusCode, query).toBe(200);
      const found = names(res.json().hosts);
      for (const name of found) expect(shopVms(), `${query} found ${name}`).toContain(name);
      // What Chef itself answers to the recorded query, cut to the scope: the same set.
      const raw = names(await fleet.chef.admin.searchNodes(res.json().chefQuery));
      expect(found, query).toEqual(raw.filter((n) => shopVms().includes(n)));
      expect(res.json().chefQuery.endsWith(') AND tags:app\\-shop AND chef_environment:production')).toBe(true);
    }
    const both = await post(request({ chef: { query: '(tags:other OR tags:app-shop)' } }), true);
    expect(both.json().chefQuery).toBe('(tags:other OR tags:app\\-shop) AND tags:app\\-shop AND chef_environment:production');
    expect(names(both.json().hosts)).toEqual(shopVms());
  });

  it("answers a search Chef itself refuses with 422 and Chef's message, not 500", async () => {
    const res = await post(request({ chef: { query: 'NOT NOT name:shop-vm1' } }), true);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'ChefQueryRejected', field: 'chef.query', message: expect.stringMatching(/parse error/) });
    // A real deploy cannot ask Chef before it is accepted: it fails at discovery, with Chef's words, at once (not retried).
    const started = Date.now();
    const deploy = await post(request({ chef: { query: 'NOT NOT name:shop-vm1' } }));
    expect(deploy.statusCode).toBe(202);
    const done = await finished(deploy.json().id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(/HTTP 400: .*parse error/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("a real deploy aimed at the other application's tags touches none of its servers", async () => {
    const res = await post(request({ version: 'v2', chef: { tags: [blog.vmTag] }, haproxy: { backend: fleet.app.backend, chefTags: [blog.lbTag] } }));
    expect(res.statusCode).toBe(202);
    const done = await finished(res.json().id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(/Chef found no hosts for tags:app\\-shop AND chef_environment:production AND tags:app\\-blog/);
    expect(done.hosts).toEqual([]);
    for (const vm of blog.vms) expect((await fleet.exec(vm.name, ['test', '-d', '/opt/blog/releases/v2'])).exitCode).not.toBe(0);
    expect((await backendStates(fleet, blog.backend)).map((s) => s.admin)).toEqual(blog.vms.map(() => 'ready'));
  });

  it('deploys end to end to the nodes tagged `app:shop` (escaped), and the other backend never leaves READY', async () => {
    const tagged = fleet.vms.slice(0, 2);
    for (const vm of tagged)
      await fleet.chef.admin.upsertNode({ name: vm.name, environment: fleet.app.environment, tags: [fleet.app.vmTag, 'app:shop'], ipaddress: vm.address });
    const res = await post(minimal({ chef: { tags: ['app:shop'] }, version: 'v2' }));
    expect(res.statusCode).toBe(202);
    const done = await finished(res.json().id);
    expect(done.status, done.error).toBe('SUCCEEDED');
    expect(done.chefQuery).toBe('tags:app\\-shop AND chef_environment:production AND tags:app\\:shop');
    expect(names(done.hosts)).toEqual(names(tagged));
    for (const vm of tagged) expect((await fleet.exec(vm.name, ['readlink', '/opt/shop/current'])).stdout.trim()).toBe('releases/v2');
    expect((await backendStates(fleet, fleet.app.backend)).every((s) => s.admin === 'ready')).toBe(true);
    const { notReady, samples } = watcher.snapshot();
    expect(samples).toBeGreaterThan(10);
    expect(notReady).toEqual([]);
  });

  it("refuses (403) a rollback of another team's deployment, before anything starts", async () => {
    const id = 'd-0000aaaa-bbbb-cccc-dddd-eeeeffff0000';
    const blogRequest = { ...fleet.deployRequest('v2', artifact), application: blog.name, team: blog.team };
    await v.ctx.store.insertDeployment({
      id,
      workflowId: `deploy-${id}`,
      application: blog.name,
      environment: fleet.app.environment,
      team: blog.team,
      version: 'v2',
      requestedBy: 'search-ci',
      request: blogRequest,
      status: 'SUCCEEDED',
      createdAt: new Date(),
    });
    const res = await v.api.inject({ method: 'POST', url: `/v1/deployments/${id}/rollback`, payload: {}, headers: auth });
    expect(res.statusCode, res.body).toBe(403);
    const { deployments } = (await v.api.inject({ method: 'GET', url: `/v1/deployments?application=${blog.name}`, headers: auth })).json();
    expect(deployments).toEqual([]);
    expect((await v.ctx.store.getDeployment(id))?.rolledBackBy).toBeUndefined();
  });
});
