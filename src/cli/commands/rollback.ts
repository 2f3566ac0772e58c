import type { Command } from 'commander';
import type { Ctx } from '../context.ts';
import { contextOf } from '../context.ts';
import { CliError, EXIT_FAILED } from '../errors.ts';
import { followDeployment } from '../follow.ts';
import type { CliDeps } from '../io.ts';
import { failureLines, successLine } from '../render/deployment.ts';

interface RollbackOptions {
  application?: string;
  environment?: string;
  force?: boolean;
  reason?: string;
  follow?: boolean;
}

export function rollbackCommand(program: Command, deps: CliDeps, exit: (code: number) => void): void {
  program
    .command('rollback [id]')
    .description(
      'roll a SUCCEEDED deployment back: a new deployment takes its hosts back to the release each had before (kept on the host, nothing downloaded)',
    )
    .option('--application <name>', 'with --environment: the latest SUCCEEDED deployment of that application/environment')
    .option('--environment <name>')
    .option('--force', 'even though a later deploy of that application/environment has run since')
    .option('--reason <text>', 'why, kept with the rollback')
    .option('--follow', 'show live per-host progress until the rollback ends; exit 1 unless it SUCCEEDED')
    .action(async (id: string | undefined, options: RollbackOptions, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const target = id ?? (await latestSucceeded(ctx, options));
      const created = await ctx.client.rollback(target, { force: options.force, reason: options.reason });
      if (!options.follow) {
        if (ctx.json) return ctx.printJson(created);
        return ctx.print([`${created.id} ${created.status} (rollback of ${created.rollbackOf})`, ctx.style.dim(`  ${created.links.temporalUi}`)]);
      }
      if (!ctx.json) ctx.print([ctx.style.bold(`deployment ${created.id}, rollback of ${created.rollbackOf}`), ctx.style.dim(`  ${created.links.temporalUi}`)]);
      const done = await followDeployment(ctx, created.id);
      if (ctx.json) ctx.printJson(done);
      else ctx.print(done.status === 'SUCCEEDED' ? successLine(done, ctx.style) : failureLines(done, ctx.style));
      if (done.status !== 'SUCCEEDED') exit(EXIT_FAILED);
    });
}

async function latestSucceeded(ctx: Ctx, options: RollbackOptions): Promise<string> {
  const { application, environment } = options;
  if (!application || !environment) throw new CliError('give a deployment id, or --application and --environment for their latest SUCCEEDED deployment');
  const { deployments } = await ctx.client.listDeployments({ application, environment, status: 'SUCCEEDED', limit: 1 });
  const latest = deployments[0];
  if (!latest) throw new CliError(`no SUCCEEDED deployment of ${application}/${environment} to roll back`);
  return latest.id;
}
