import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployBody, readBodyFile } from '../../src/cli/deploy-body.ts';

describe('the deploy body', () => {
  it('maps flags onto the request fields, leaving out what was not given', () => {
    expect(
      deployBody(undefined, {
        application: 'shop',
        environment: 'production',
        team: 'payments',
        version: 'v2',
        artifactUrl: 'https://a/shop-v2.tgz',
        artifactSha256: 'ab',
        chefTag: ['app-shop', 'web'],
        backend: 'shop',
        lbTag: ['lb-shop'],
        weight: 10,
        concurrency: 2,
        healthPort: 8000,
        healthTimeout: 30,
        queue: false,
      }),
    ).toEqual({
      application: 'shop',
      environment: 'production',
      team: 'payments',
      version: 'v2',
      artifact: { url: 'https://a/shop-v2.tgz', sha256: 'ab' },
      chef: { tags: ['app-shop', 'web'] },
      haproxy: { backend: 'shop', chefTags: ['lb-shop'], weight: 10 },
      concurrency: 2,
      healthCheck: { port: 8000, timeoutSeconds: 30 },
      queue: false,
    });
  });

  it('reads a YAML or JSON file and lays the flags over it, nested fields merged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vesemir-cli-'));
    writeFileSync(join(dir, 'b.yaml'), 'application: shop\nversion: v1\nhealthCheck:\n  port: 8000\n  path: /health\n');
    writeFileSync(join(dir, 'b.json'), '{"application":"shop","chef":{"tags":["app-shop"]}}');
    expect(deployBody(readBodyFile(join(dir, 'b.yaml')), { version: 'v3', healthTimeout: 5 })).toEqual({
      application: 'shop',
      version: 'v3',
      healthCheck: { port: 8000, path: '/health', timeoutSeconds: 5 },
    });
    expect(readBodyFile(join(dir, 'b.json'))).toEqual({ application: 'shop', chef: { tags: ['app-shop'] } });
  });

  it('names the file when it cannot be read or is not an object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vesemir-cli-'));
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    writeFileSync(join(dir, 'bad.yaml'), 'a: [1, 2\n');
    expect(() => readBodyFile(join(dir, 'missing.yaml'))).toThrow(/cannot read .*missing\.yaml/);
    expect(() => readBodyFile(join(dir, 'list.yaml'))).toThrow(/list\.yaml must hold an object/);
    expect(() => readBodyFile(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml is neither JSON nor YAML/);
  });
});
