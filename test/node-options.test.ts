import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_OPTIONS } from '../src/node-options.ts';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('the node flags the service runs with', () => {
  it('are the same in the npm scripts, the demo script and the Dockerfile', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'demo', 'worker', 'bench']) {
      expect(scripts[name], `npm run ${name}`).toContain(`NODE_OPTIONS=\\"${SERVICE_NODE_OPTIONS} $NODE_OPTIONS\\"`.replaceAll('\\', ''));
    }
    expect(read('scripts/demo.sh')).toContain(`export NODE_OPTIONS="${SERVICE_NODE_OPTIONS} \${NODE_OPTIONS:-}"`);
    expect(read('Dockerfile')).toMatch(new RegExp(`^\\s*NODE_OPTIONS=${SERVICE_NODE_OPTIONS} \\\\$`, 'm'));
  });

  it('are accepted by node in NODE_OPTIONS (which refuses most V8 flags)', () => {
    const run = (nodeOptions: string) => execFileSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: nodeOptions }, stdio: 'pipe' });
    expect(() => run(SERVICE_NODE_OPTIONS)).not.toThrow();
    expect(() => run('--max-semi-space-size-typo=2')).toThrow(/not allowed in NODE_OPTIONS/);
  });
});
