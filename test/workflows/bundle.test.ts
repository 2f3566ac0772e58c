import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/app/worker.ts';

describe('workflow bundle', () => {
  it('bundles src/workflows for the sandbox, with every workflow exported', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    expect(code.length).toBeGreaterThan(1000);
    for (const name of ['deploy', 'deployHost', 'deploymentLock']) expect(code).toContain(name);
  });

  it('leaves zod out: every module of the bundle is evaluated again for each workflow run the worker caches', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    const packages = new Set([...code.matchAll(/"\.\/node_modules\/((?:@[^/"]+\/)?[^/"]+)\//g)].map((m) => m[1]));
    expect(packages.has('@temporalio/workflow')).toBe(true);
    expect(packages.has('zod')).toBe(false);
  });

  it('fails fast when a workflow imports a Node module', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'vesemir-bundle-'));
    writeFileSync(join(dir, 'index.ts'), "import { readFileSync } from 'node:fs';\nexport async function bad() { return readFileSync('/etc/hostname'); }\n");
    const errors: string[] = [];
    const logger = {
      log() {},
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (m: string, meta?: unknown) => errors.push(`${m} ${JSON.stringify(meta)}`),
    };
    await expect(bundleWorkflowCode({ workflowsPath: join(dir, 'index.ts'), logger })).rejects.toThrow(/Webpack finished with errors/);
    expect(errors.join('\n')).toMatch(/node:fs|'fs'/);
  });
});
