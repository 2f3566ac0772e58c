import type { Command } from 'commander';
import type { LogQuery } from '../../client/index.ts';
import { contextOf } from '../context.ts';
import type { CliDeps } from '../io.ts';
import { isTerminal } from '../render/deployment.ts';
import { logKey, logLines, newlyFinished } from '../render/logs.ts';

interface LogsOptions {
  host?: string;
  step?: string;
  follow?: boolean;
}

export function logsCommand(program: Command, deps: CliDeps): void {
  program
    .command('logs <id>')
    .description("each step's command, exit code and full output")
    .option('--host <name>', 'only this host')
    .option('--step <name>', 'only this step (drain, restart, health, …)')
    .option('--follow', 'print steps as they finish, until the deploy ends')
    .action(async (id: string, options: LogsOptions, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const fetchLogs = () => ctx.client.logs(id, { host: options.host, step: options.step as LogQuery['step'] });
      if (!options.follow) {
        const answer = await fetchLogs();
        if (ctx.json) return ctx.printJson(answer);
        if (answer.steps.length === 0) return ctx.print(ctx.style.dim('no steps recorded'));
        return ctx.print(answer.steps.flatMap((s) => logLines(s, ctx.style)));
      }
      const printed = new Set<string>();
      for (;;) {
        // Status first: logs fetched after a terminal status hold every step.
        const { status } = await ctx.client.getDeployment(id);
        const fresh = newlyFinished((await fetchLogs()).steps, printed);
        for (const s of fresh) {
          printed.add(logKey(s));
          // --json --follow streams one JSON object per line (NDJSON).
          if (ctx.json) ctx.print(JSON.stringify(s));
          else ctx.print(logLines(s, ctx.style));
        }
        if (isTerminal(status)) return;
        await deps.sleep(deps.pollMs);
      }
    });
}
