/**
 * Quoting for argv sent over SSH. ssh runs a command *line* through the remote
 * user's shell, so every argument is single-quoted; a single quote inside is
 * closed, escaped and reopened.
 */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
