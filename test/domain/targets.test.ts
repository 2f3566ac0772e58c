import { describe, expect, it } from 'vitest';
import { type Application, applicationsFileSchema, buildCatalog } from '../../src/domain/applications.ts';
import type { ChefClient } from '../../src/domain/ports.ts';
import { searchWithinScope } from '../../src/domain/scoped-search.ts';
import { resolveTargets, runBackend, TargetError, type TargetRequest } from '../../src/domain/targets.ts';

const shop: Application = {
  name: 'shop',
  team: 'payments',
  environments: ['production', 'staging'],
  chef: { tags: ['app-shop'], environments: { production: 'prod' } },
  haproxy: { backends: ['shop', 'shop-canary'], lbChefTags: ['lb-shop'] },
  installDir: '/opt/shop',
  restartCommand: ['true'],
  keepReleases: 5,
};
const req = (over: Partial<TargetRequest> = {}): TargetRequest => ({ application: 'shop', environment: 'production', ...over });

function refusal(fn: () => unknown): { field: string; reason: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    const e = err as TargetError;
    return { field: e.field, reason: e.reason, message: e.message };
  }
  throw new Error('not refused');
}

describe('resolveTargets', () => {
  it('defaults everything to the application scope, escaped, with its Chef environment name', () => {
    expect(resolveTargets(shop, req())).toEqual({
      hostQuery: 'tags:app\\-shop AND chef_environment:prod',
      loadBalancerQuery: 'tags:lb\\-shop AND chef_environment:prod',
      hostScopeQuery: 'tags:app\\-shop AND chef_environment:prod',
      loadBalancerScopeQuery: 'tags:lb\\-shop AND chef_environment:prod',
      backend: 'shop',
    });
    expect(resolveTargets(shop, req({ environment: 'staging' })).hostQuery).toBe('tags:app\\-shop AND chef_environment:staging');
  });

  it("keeps an old client's request working: the scope's own tags and backend add nothing", () => {
    const old = req({ chef: { tags: ['app-shop'] }, haproxy: { backend: 'shop', chefTags: ['lb-shop'] } });
    expect(resolveTargets(shop, old)).toEqual(resolveTargets(shop, req()));
  });

  it('ANDs the re-emitted query (first: goiardi misreads a trailing group) and extra tags with the scope: it can only narrow', () => {
    const t = resolveTargets(shop, req({ chef: { tags: ['app:shop', 'app-blog'], query: 'x:y OR name:vm1' }, haproxy: { chefTags: ['lb-blog'] } }));
    expect(t.hostQuery).toBe('(x:y OR name:vm1) AND tags:app\\-shop AND chef_environment:prod AND tags:app\\:shop AND tags:app\\-blog');
    expect(t.loadBalancerQuery).toBe('tags:lb\\-shop AND chef_environment:prod AND tags:lb\\-blog');
    expect([t.hostScopeQuery, t.loadBalancerScopeQuery]).toEqual(['tags:app\\-shop AND chef_environment:prod', 'tags:lb\\-shop AND chef_environment:prod']);
  });

  it('wraps the attack strings so that they stay inside the scope', () => {
    expect(resolveTargets(shop, req({ chef: { query: '(tags:other OR tags:app-shop)' } })).hostQuery).toBe(
      '(tags:other OR tags:app\\-shop) AND tags:app\\-shop AND chef_environment:prod',
    );
    for (const query of ['x) OR (name:*', '"a" OR name:lb', '*:*', 'tags:"x', 'name:a)', '(name:a']) {
      expect(refusal(() => resolveTargets(shop, req({ chef: { query } })))).toMatchObject({ field: 'chef.query', reason: 'malformed' });
    }
  });

  it('finds LB boxes by recipe when the application says so', () => {
    const byRecipe = { ...shop, haproxy: { backends: ['shop'], lbChefTags: [], lbRecipe: 'haproxy::shop' } };
    expect(resolveTargets(byRecipe, req()).loadBalancerQuery).toBe('(recipe:haproxy\\:\\:shop OR recipes:haproxy\\:\\:shop) AND chef_environment:prod');
  });

  it('refuses a backend or an environment outside the scope, naming the field', () => {
    expect(refusal(() => resolveTargets(shop, req({ haproxy: { backend: 'blog' } })))).toEqual({
      field: 'haproxy.backend',
      reason: 'outside-scope',
      message: "haproxy.backend: application 'shop' may use backend shop, shop-canary, not 'blog'",
    });
    expect(resolveTargets(shop, req({ haproxy: { backend: 'shop-canary' } })).backend).toBe('shop-canary');
    expect(refusal(() => resolveTargets(shop, req({ environment: 'qa' })))).toMatchObject({ field: 'environment', reason: 'outside-scope' });
  });

  it("takes a retry run's backend from what the first run resolved, else the request's", () => {
    expect(runBackend({ targets: { backend: 'shop-canary' } }, req())).toBe('shop-canary');
    expect(runBackend({ backend: 'shop-canary' }, req({ haproxy: { backend: 'shop' } }))).toBe('shop-canary');
    expect(runBackend({}, req({ haproxy: { backend: 'shop' } }))).toBe('shop');
  });
});

describe('searchWithinScope', () => {
  const chef = (answers: Record<string, string[]>): ChefClient & { asked: string[] } => {
    const asked: string[] = [];
    const searchNodes = async (q: string) => {
      asked.push(q);
      return (answers[q] ?? []).map((name) => ({ name, address: '10.0.0.1' }));
    };
    return { asked, searchNodes, deleteNode: async () => ({ node: 'absent', client: 'absent' }) };
  };

  it("keeps only what the scope's own search finds, whatever the server made of the query", async () => {
    const c = chef({ wide: ['shop-vm1', 'blog-vm1', 'lb'], scope: ['shop-vm1', 'shop-vm2'] });
    expect((await searchWithinScope(c, 'wide', 'scope')).map((h) => h.name)).toEqual(['shop-vm1']);
  });

  it('asks once when the request adds nothing', async () => {
    const c = chef({ scope: ['shop-vm1'] });
    expect(await searchWithinScope(c, 'scope', 'scope')).toHaveLength(1);
    expect(c.asked).toEqual(['scope']);
  });
});

describe('applications file scope', () => {
  const base = { team: 'payments', environments: ['production'], chef: { tags: ['app-shop'] }, haproxy: { backends: ['shop'], lbChefTags: ['lb-shop'] } };
  const issues = (app: unknown) => {
    const parsed = applicationsFileSchema.safeParse({ applications: { shop: app } });
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
  };

  it('requires the scope and builds the catalog', () => {
    expect(issues(base)).toEqual([]);
    const app = buildCatalog(applicationsFileSchema.parse({ applications: { shop: base } })).get('shop')!;
    expect(app.chef).toEqual({ tags: ['app-shop'], environments: {} });
    expect(app.haproxy).toEqual({ backends: ['shop'], lbChefTags: ['lb-shop'], lbRecipe: undefined });
    const { chef: _chef, environments: _envs, ...noScope } = base;
    expect(issues(noScope)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^applications\/shop\/environments: /), expect.stringMatching(/^applications\/shop\/chef: /)]),
    );
  });

  it('names the path of a bad scope entry', () => {
    expect(issues({ ...base, chef: { tags: ['app shop'] } })).toEqual([expect.stringMatching(/^applications\/shop\/chef\/tags\/0: must be letters/)]);
    expect(issues({ ...base, haproxy: { backends: ['shop'] } })).toEqual(['applications/shop/haproxy/lbChefTags: give exactly one of lbChefTags and lbRecipe']);
    expect(issues({ ...base, haproxy: { backends: ['shop'], lbChefTags: ['lb'], lbRecipe: 'haproxy' } })).toHaveLength(1);
    expect(issues({ ...base, chef: { tags: ['app-shop'], environments: { staging: 'stg' } } })).toEqual([
      "applications/shop/chef/environments/staging: 'staging' is not one of environments (production)",
    ]);
  });
});
