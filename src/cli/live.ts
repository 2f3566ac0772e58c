import type { CliOutput } from './io.ts';
import { truncate } from './style.ts';

/**
 * A block of lines redrawn in place on a terminal: the cursor goes back to the
 * block's first line, each line is cleared and rewritten, and whatever is left
 * below is erased. Lines are cut to the width so none wraps (a wrapped line
 * would break the count of lines to go back over).
 */
export class LiveRegion {
  private drawn = 0;

  constructor(private readonly out: CliOutput) {
    out.write('\x1b[?25l');
  }

  render(lines: string[]): void {
    const width = Math.max(20, this.out.columns - 1);
    const room = Math.max(3, this.out.rows - 2);
    const shown = lines.length > room ? [...lines.slice(0, room - 1), `  … ${lines.length - room + 1} more`] : lines;
    const up = this.drawn ? `\x1b[${this.drawn}F` : '';
    this.out.write(`${up}${shown.map((l) => `\x1b[2K${truncate(l, width)}\n`).join('')}\x1b[J`);
    this.drawn = shown.length;
  }

  /** Leaves the last picture on screen and gives the cursor back. */
  done(): void {
    this.out.write('\x1b[?25h');
  }
}
