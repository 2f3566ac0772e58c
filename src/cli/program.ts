import { Command, CommanderError } from 'commander';
import { deployCommand } from './commands/deploy.ts';
import { deploymentCommands } from './commands/deployments.ts';
import { fleetCommands } from './commands/fleet.ts';
import { logsCommand } from './commands/logs.ts';
import { replayCommand } from './commands/replay.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { vmCommands } from './commands/vms.ts';
import { describeError, EXIT_ERROR } from './errors.ts';
import type { CliDeps } from './io.ts';
import { createStyle, wantsColor } from './style.ts';

export function buildProgram(deps: CliDeps, exit: (code: number) => void): Command {
  const program = new Command('vesemir')
    .description('Deploy releases onto VMs and create VMs, through the Vesemir API')
    // Inherited by every command added below: errors come back to runCli instead of process.exit.
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .option('--api <url>', 'Vesemir API base URL (env VESEMIR_API_URL, default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token, sent as a Bearer token (env VESEMIR_TOKEN)')
    .option('--json', 'print the raw API JSON, for scripts')
    .option('--no-color', 'no colors even on a terminal (NO_COLOR works too)');
  deployCommand(program, deps, exit);
  deploymentCommands(program, deps);
  logsCommand(program, deps);
  rollbackCommand(program, deps, exit);
  replayCommand(program, deps, exit);
  vmCommands(program, deps, exit);
  fleetCommands(program, deps, exit);
  return program;
}

/**
 * Runs one command line (without `node vesemir`) and answers the exit code:
 * 0 done, 1 the deploy or replay failed, 2 the CLI could not do what was
 * asked (bad usage, HTTP error, API unreachable).
 */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  let code = 0;
  const program = buildProgram(deps, (c) => {
    code = Math.max(code, c);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    // Commander has printed its own message (or the help) already.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_ERROR;
    const style = createStyle(wantsColor(deps.stderr.isTTY, deps.env, !argv.includes('--no-color')));
    const { lines, exitCode } = describeError(err, style);
    deps.stderr.write(lines.map((l) => `${l}\n`).join(''));
    return exitCode;
  }
}
