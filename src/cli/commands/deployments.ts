import type { Command } from 'commander';
import type { ControlAction, DeploymentStatus } from '../../client/index.ts';
import { DEPLOYMENT_STATUSES } from '../../domain/deployment.ts';
import { contextOf } from '../context.ts';
import type { CliDeps } from '../io.ts';
import { deploymentLines, failureLines } from '../render/deployment.ts';
import { deploymentTable, queueLines } from '../render/summaries.ts';

/** What a control action answers: the deployment, its status now, and what the action did. */
type ControlAnswer = { deploymentId?: string; id?: string; status: string; message?: string };

const controlLine = (a: ControlAnswer) => `${a.deploymentId ?? a.id} ${a.status}${a.message ? `: ${a.message}` : ''}`;

export function deploymentCommands(program: Command, deps: CliDeps): void {
  program
    .command('status <id>')
    .description('one deployment: its hosts and where each one is')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const d = await ctx.client.getDeployment(id);
      if (ctx.json) return ctx.printJson(d);
      ctx.print(deploymentLines(d, { style: ctx.style, now: deps.now() }));
      if (d.status === 'FAILED' || d.status === 'CANCELLED') ctx.print(failureLines(d, ctx.style));
      ctx.print(ctx.style.dim(`  ${d.links.temporalUi}`));
    });

  program
    .command('list')
    .description('deployments, newest first')
    .option('--application <name>')
    .option('--environment <name>')
    .option('--status <status>', `one of ${DEPLOYMENT_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many (API default 50)')
    .action(async (options: { application?: string; environment?: string; status?: string; limit?: string }, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const query = { ...options, limit: options.limit as number | undefined, status: options.status?.toUpperCase() as DeploymentStatus | undefined };
      const answer = await ctx.client.listDeployments(query);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print(deploymentTable(answer.deployments, ctx.style));
    });

  program
    .command('queue')
    .description('the deployments waiting for their turn on an application/environment, next first')
    .requiredOption('--application <name>')
    .requiredOption('--environment <name>')
    .action(async (target: { application: string; environment: string }, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const { deployments } = await ctx.client.listDeployments({ ...target, status: 'QUEUED', limit: 500 });
      if (ctx.json) return ctx.printJson({ deployments });
      const holderId = deployments.find((d) => d.waitingFor)?.waitingFor;
      const holder = holderId ? await ctx.client.getDeployment(holderId).catch(() => undefined) : undefined;
      ctx.print(queueLines(target, deployments, holder, ctx.style));
    });

  const actions: [Exclude<ControlAction, 'cancel'>, string][] = [
    ['pause', 'finish the running hosts, start no new one'],
    ['resume', 'carry on after a pause'],
    ['approve', 'let the deploy go on past the canary'],
    ['retry', 'deploy the failed hosts again, inside the same deployment'],
  ];
  for (const [name, description] of actions) {
    program
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string, _options: unknown, cmd: Command) => {
        const ctx = contextOf(cmd, deps);
        const answer = await ctx.client.control(id, name);
        if (ctx.json) ctx.printJson(answer);
        else ctx.print(controlLine(answer));
      });
  }
  program
    .command('cancel <id>')
    .description('stop the deploy: no new host starts')
    .option('--rollback', 'also roll back the hosts already deployed')
    .action(async (id: string, options: { rollback?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.control(id, 'cancel', options);
      if (ctx.json) ctx.printJson(answer);
      else ctx.print(controlLine(answer));
    });
}
