/** ANSI styling, a no-op when colors are off (pipes, NO_COLOR, --no-color). */
export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

export function createStyle(enabled: boolean): Style {
  if (!enabled) return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** https://no-color.org: any non-empty NO_COLOR turns colors off. */
export function wantsColor(isTTY: boolean, env: Record<string, string | undefined>, flag: boolean): boolean {
  return flag && isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

// CSI sequences (colors, cursor moves): zero width on screen.
const ESC = String.fromCharCode(27);
const CSI = `${ESC}\\[[0-9;?]*[A-Za-z]`;
const ANSI = new RegExp(CSI, 'g');
const LEADING_ANSI = new RegExp(`^${CSI}`);

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

export function visibleLength(s: string): number {
  return [...stripAnsi(s)].length;
}

/** Pads to a visible width, ignoring escape sequences. */
export function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleLength(s)));
}

/** Cuts a line to `width` visible characters, keeping escape sequences whole. */
export function truncate(s: string, width: number): string {
  if (visibleLength(s) <= width) return s;
  let out = '';
  let seen = 0;
  for (let i = 0; i < s.length; ) {
    const esc = s.slice(i).match(LEADING_ANSI);
    if (esc) {
      out += esc[0];
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (seen === width - 1) return `${out}…${s.includes(ESC) ? '\x1b[0m' : ''}`;
    out += ch;
    seen++;
    i += ch.length;
  }
  return out;
}
