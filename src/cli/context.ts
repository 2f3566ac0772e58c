import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_API_URL, VesemirClient } from '../client/index.ts';
import type { CliDeps } from './io.ts';
import { createStyle, type Style, wantsColor } from './style.ts';

/** The global options, as every command sees them. */
export interface GlobalOptions {
  api?: string;
  token?: string;
  json?: boolean;
  color: boolean;
}

/** What a command needs: the API, the style, and where to print. */
export interface Ctx {
  deps: CliDeps;
  client: VesemirClient;
  style: Style;
  json: boolean;
  print(lines: string | string[]): void;
  printJson(value: unknown): void;
  warn(lines: string | string[]): void;
}

const text = (lines: string | string[]) => (Array.isArray(lines) ? lines : [lines]).map((l) => `${l}\n`).join('');

export function contextOf(cmd: Command, deps: CliDeps): Ctx {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  return {
    deps,
    client: new VesemirClient({ baseUrl: opts.api ?? deps.env.VESEMIR_API_URL ?? DEFAULT_API_URL, token: opts.token ?? deps.env.VESEMIR_TOKEN }),
    style: createStyle(wantsColor(deps.stdout.isTTY, deps.env, opts.color)),
    json: opts.json === true,
    print: (lines) => deps.stdout.write(text(lines)),
    printJson: (value) => deps.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    warn: (lines) => deps.stderr.write(text(lines)),
  };
}

/** Commander option parser for whole numbers. */
export function int(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`not a whole number: ${value}`);
  return Number(value);
}

/** Commander option parser for repeatable options (`--chef-tag a --chef-tag b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
