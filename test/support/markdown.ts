// Reading the project's Markdown the way GitHub renders it: headings and their anchors.

/** Headings outside fenced code, as [level, text]. */
export function headings(markdown: string): [number, string][] {
  let fenced = false;
  const found: [number, string][] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6}) (.+)$/.exec(line);
    if (m) found.push([m[1]!.length, m[2]!.trim()]);
  }
  return found;
}

/** GitHub's anchors: lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, text] of headings(markdown)) {
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}
