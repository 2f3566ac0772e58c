import type { Command } from 'commander';
import { type Ctx, collect, contextOf, int } from '../context.ts';
import { concurrency, type DeployFlags, deployBody, merge, readBodyFile, redeployBase } from '../deploy-body.ts';
import { EXIT_FAILED } from '../errors.ts';
import { followDeployment } from '../follow.ts';
import type { CliDeps } from '../io.ts';
import { failureLines, successLine } from '../render/deployment.ts';
import { type PlanJson, planLines } from '../render/plan.ts';

interface DeployOptions extends DeployFlags {
  file?: string;
  from?: string;
  idempotencyKey?: string;
  follow?: boolean;
  dryRun?: boolean;
}

export function deployCommand(program: Command, deps: CliDeps, exit: (code: number) => void): void {
  program
    .command('deploy')
    .description('start a deployment from flags and/or a JSON or YAML body file')
    .option('-f, --file <path>', 'the request body (JSON or YAML); flags override its fields')
    .option('--application <name>')
    .option('--environment <name>')
    .option('--team <name>')
    .option('--version <version>', 'the release to deploy')
    .option('--artifact-url <url>')
    .option('--artifact-sha256 <hex>')
    .option('--chef-tag <tag>', "extra Chef tag the VMs must have, within the application's scope (repeatable)", collect)
    .option('--chef-query <query>', 'extra Chef search terms, ANDed with the scope (field:value, AND/OR/NOT, parentheses)')
    .option('--backend <name>', "one of the application's HAProxy backends (default: its first)")
    .option('--lb-tag <tag>', 'extra Chef tag the HAProxy boxes must have (repeatable)', collect)
    .option('--weight <percent>', 'weight a host gets back first', int)
    .option('--degradation-seconds <s>', 'seconds at that weight before 100%', int)
    .option('--from <deployment-id>', "start from that deployment's request (artifact, health check, HAProxy, canary…); flags override it")
    .option('--concurrency <n|ramp>', 'hosts at a time, or a ramp of batch sizes: 1,2,50%', concurrency)
    .option('--canary <hosts>', 'these first hosts go alone, then the deploy waits (--require-approval, --bake)', int)
    .option('--require-approval', 'after the canary, wait for `vesemir approve`')
    .option('--bake <s>', 'after the canary, seconds to watch it before going on', int)
    .option('--max-failed-hosts <n>', 'failed hosts tolerated', int)
    .option('--auto-rollback', 'when the failure budget is spent, roll back the hosts already deployed')
    .option('--health-port <port>', '', int)
    .option('--health-path <path>')
    .option('--health-timeout <s>', 'seconds a restarted host may take to be healthy', int)
    .option('--no-queue', 'be refused (409) rather than wait behind a running deploy')
    .option('--idempotency-key <key>', 'the same key answers the same deployment')
    .option('--follow', 'show live per-host progress until the deploy ends; exit 1 unless it SUCCEEDED')
    .option('--dry-run', 'print the plan without deploying')
    .action(async (options: DeployOptions, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const flags = { ...options, queue: cmd.getOptionValueSource('queue') === 'cli' ? options.queue : undefined };
      const from = options.from ? redeployBase(await ctx.client.getDeployment(options.from), options) : undefined;
      const file = options.file ? readBodyFile(options.file) : undefined;
      const body = deployBody(from ? merge(from, file ?? {}) : file, flags);
      if (options.dryRun) return printPlan(ctx, await ctx.client.dryRun(body));
      const created = await ctx.client.deploy(body, { idempotencyKey: options.idempotencyKey });
      if (!options.follow) {
        if (ctx.json) return ctx.printJson(created);
        return ctx.print([`${created.id} ${created.status}`, ctx.style.dim(`  ${created.links.temporalUi}`)]);
      }
      if (!ctx.json) ctx.print([ctx.style.bold(`deployment ${created.id}`), ctx.style.dim(`  ${created.links.temporalUi}`)]);
      const done = await followDeployment(ctx, created.id);
      if (ctx.json) ctx.printJson(done);
      else ctx.print(done.status === 'SUCCEEDED' ? successLine(done, ctx.style) : failureLines(done, ctx.style));
      if (done.status !== 'SUCCEEDED') exit(EXIT_FAILED);
    });
}

function printPlan(ctx: Ctx, plan: PlanJson): void {
  if (ctx.json) ctx.printJson(plan);
  else ctx.print(planLines(plan, ctx.style));
}
