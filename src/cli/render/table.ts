import { pad, type Style, visibleLength } from '../style.ts';

/** Left-aligned columns, two spaces apart, a bold header; cells may carry colors. */
export function table(headers: string[], rows: string[][], style: Style): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [style.bold(line(headers)), ...rows.map(line)];
}
