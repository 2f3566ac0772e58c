import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../src/node-options.ts';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const flags = SERVICE_NODE_FLAGS.join(' ');

describe('the node flags the service runs with', () => {
  it('are the same in the npm scripts, the demo script and the Dockerfile', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'demo', 'worker', 'bench']) expect(scripts[name], `npm run ${name}`).toMatch(new RegExp(`^tsx ${flags} `));
    expect(read('scripts/demo.sh')).toContain(`exec node ${flags} --import tsx demo/main.ts`);
    expect(read('Dockerfile')).toContain(`CMD ["node", ${SERVICE_NODE_FLAGS.map((f) => `"${f}"`).join(', ')}, "--import", "tsx", "src/app/main.ts"]`);
  });

  it('are accepted by node on its command line (a misspelt one is refused)', () => {
    const run = (args: readonly string[]) => execFileSync(process.execPath, [...args, '-e', '0'], { stdio: 'pipe' });
    expect(() => run(SERVICE_NODE_FLAGS)).not.toThrow();
    expect(() => run(['--heap-growing-percent-typo=30'])).toThrow(/bad option/);
  });

  it('reach node through tsx, as the npm scripts start it', () => {
    const tsx = new URL('../node_modules/.bin/tsx', import.meta.url).pathname;
    const execArgv = JSON.parse(
      execFileSync(tsx, [...SERVICE_NODE_FLAGS, '-e', 'console.log(JSON.stringify(process.execArgv))'], { encoding: 'utf8' }),
    ) as string[];
    expect(execArgv).toEqual(expect.arrayContaining([...SERVICE_NODE_FLAGS]));
  });
});
