import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorsOf } from '../support/markdown.ts';

// The README and the pages under docs/ link each other by relative paths and
// anchors; a page split or a heading renamed must not leave a link dangling.

const root = fileURLToPath(new URL('../..', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const anchorsByPage = new Map(pages.map((p) => [p, anchorsOf(readFileSync(join(root, p), 'utf8'))]));

/** Every relative link of a page outside code: [target page or '', anchor or ''], as written. */
function linksOf(page: string): { written: string; target: string; anchor: string }[] {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/.test(href))
    .map((written) => {
      const [path = '', anchor = ''] = written.split('#');
      const target = path === '' ? page : relative(root, join(root, dirname(page), path));
      return { written, target, anchor };
    });
}

describe('links between the README and docs/', () => {
  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const broken = linksOf(page).filter(({ target, anchor }) => {
      if (!existsSync(join(root, target))) return true;
      if (anchor === '') return false;
      return !(anchorsByPage.get(target)?.has(anchor) ?? false);
    });
    expect(broken.map((l) => l.written)).toEqual([]);
  });

  it('the README links every page under docs/', () => {
    const linked = new Set(linksOf('README.md').map((l) => l.target));
    expect(pages.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });
});
