import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * The workflow code with an incompatible change: each host prunes its
 * releases once more before its first step (a command no recorded history
 * has there). Built from a copy of src/ inside the project, so that it
 * resolves the project's node_modules; `cleanup` removes the copy.
 */
export async function bundleWithExtraHostStep(): Promise<{ bundle: WorkflowBundleWithSourceMap; cleanup(): void }> {
  const dataDir = new URL('../../.data/', import.meta.url).pathname;
  mkdirSync(dataDir, { recursive: true });
  const dir = mkdtempSync(join(dataDir, 'changed-src-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    cpSync(new URL('../../src/', import.meta.url).pathname, join(dir, 'src'), { recursive: true });
    const hostFile = join(dir, 'src/workflows/deploy-host.ts');
    const source = readFileSync(hostFile, 'utf8');
    const marker = '  let pruning: Promise<unknown> | undefined;';
    if (!source.includes(marker)) throw new Error(`deploy-host.ts no longer has the line ${JSON.stringify(marker)}: update this helper`);
    writeFileSync(hostFile, source.replace(marker, `  await ssh.pruneReleases({ ...s.base, previousVersion: undefined });\n${marker}`));
    return { bundle: await bundleWorkflowCode({ workflowsPath: join(dir, 'src/workflows/index.ts'), logger: silent }), cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
