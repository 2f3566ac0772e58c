import { describe, expect, it } from 'vitest';
import { ChefQuerySyntaxError, chefTerm, chefValue, parseChefQuery } from '../../src/domain/chef-search.ts';

// Exact strings: what goiardi was shown to accept (test/security/app-scope.test.ts runs them for real).

describe('chefValue', () => {
  it('backslash-escapes every Lucene special', () => {
    expect(chefValue('app:shop')).toBe('app\\:shop');
    expect(chefValue('app-shop')).toBe('app\\-shop');
    expect(chefValue('a+b&&c||d!e(f)g{h}i[j]k^l"m~n*o?p:q\\r/s')).toBe('a\\+b\\&\\&c\\|\\|d\\!e\\(f\\)g\\{h\\}i\\[j\\]k\\^l\\"m\\~n\\*o\\?p\\:q\\\\r\\/s');
    expect(chefValue('plain_v1.2')).toBe('plain_v1.2');
    expect(chefValue('NOT')).toBe('"NOT"');
  });

  it('makes a value with a space a phrase (goiardi refuses `a\\ b`), its specials still escaped', () => {
    expect(chefValue('a b')).toBe('"a b"');
    expect(chefValue('x) OR (name:*')).toBe('"x\\) OR \\(name\\:\\*"');
  });

  it('builds a term', () => {
    expect(chefTerm('tags', 'app:shop')).toBe('tags:app\\:shop');
    expect(chefTerm('chef_environment', 'prod-1')).toBe('chef_environment:prod\\-1');
  });
});

describe('parseChefQuery', () => {
  const ok: [string, string][] = [
    ['name:vm1', 'name:vm1'],
    ['tags:app:shop', 'tags:app\\:shop'],
    ['name:shop-vm*', 'name:shop\\-vm*'],
    ['name:vm? AND tags:web', 'name:vm? AND tags:web'],
    ['name:vm1 OR name:vm2', 'name:vm1 OR name:vm2'],
    ['(tags:other OR tags:app-shop)', 'tags:other OR tags:app\\-shop'],
    ['tags:a AND (name:b OR name:c)', 'tags:a AND (name:b OR name:c)'],
    ['tags:a OR name:b AND name:c', 'tags:a OR (name:b AND name:c)'],
    ['NOT name:vm1', 'NOT name:vm1'],
    ['tags:a AND NOT name:vm1', 'tags:a AND NOT name:vm1'],
    ['NOT (name:a OR name:b)', 'NOT (name:a OR name:b)'],
    ['tags:"a b"', 'tags:"a b"'],
    ['tags:"app:shop*"', 'tags:"app\\:shop\\*"'],
    ['  ((name:vm1))  ', 'name:vm1'],
    ['name:AND OR name:vm1', 'name:"AND" OR name:vm1'],
  ];
  for (const [input, output] of ok) {
    it(`re-emits ${input}`, () => expect(parseChefQuery(input)).toBe(output));
  }

  const refused: [string, RegExp][] = [
    ['x) OR (name:*', /'x' at 1 is not a field:value term/],
    ['name:x) OR (name:y', /unexpected '\)' at 7 \(unbalanced parentheses\)/],
    ['"a" OR name:lb', /phrase without a field/],
    ['*:*', /'\*:\*' at 1 is not a field:value term/],
    ['name:*', /only a wildcard/],
    ['name:??', /only a wildcard/],
    ['tags:"app-shop', /unbalanced quote/],
    ['(name:a', /unclosed '\(' at 1/],
    ['name:a)', /unbalanced parentheses/],
    ['()', /empty group/],
    ['name:a AND ()', /empty group/],
    ['', /is empty/],
    ['   ', /is empty/],
    ['name:a name:b', /needs AND or OR before 'name:b'/],
    ['name:a AND', /ends where a term was expected/],
    ['AND name:a', /'AND' at 1 where a term was expected/],
    ['OR', /'OR' at 1/],
    ['name:', /has no value/],
    ['tags:""', /empty or invalid phrase/],
    ['vm1', /'vm1' at 1 is not a field:value term/],
    ['1x:a', /not a field:value term/],
    [`${'('.repeat(20)}name:a${')'.repeat(20)}`, /deeper than 16/],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      expect(() => parseChefQuery(input)).toThrow(ChefQuerySyntaxError);
      expect(() => parseChefQuery(input)).toThrow(message);
    });
  }
});
