/** Small formatters shared by the renderers; all pure. */

/** 850ms, 4.2s, 1m05s, 2h03m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Milliseconds between two ISO times, the second defaulting to `now`. */
export function elapsed(from: string | null | undefined, to: string | null | undefined, now: number): number | undefined {
  if (!from) return undefined;
  const end = to ? Date.parse(to) : now;
  return end - Date.parse(from);
}

/** 2024-06-01 12:03:04 (UTC, to the second): list columns stay narrow and sortable. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-';
}

export function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}

/** The last `n` non-empty lines of some output. */
export function tail(s: string, n: number): string[] {
  return s
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n);
}
