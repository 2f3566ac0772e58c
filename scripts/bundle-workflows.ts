// Bundles src/workflows once (webpack) into a file that workers load with
// VESEMIR_WORKFLOW_BUNDLE, so a worker (re)starts in a second: for container
// images and for tests that restart workers. Usage: tsx scripts/bundle-workflows.ts OUT.js
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../src/app/worker.ts';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: tsx scripts/bundle-workflows.ts OUT.js\n');
  process.exit(2);
}
const { code } = await bundleWorkflowCode({ workflowsPath });
await writeFile(out, code);
process.stdout.write(`workflow bundle written to ${out} (${code.length} bytes)\n`);
