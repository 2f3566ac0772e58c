import type { Command } from 'commander';
import { DEPLOYMENT_STATUSES } from '../../domain/deployment.ts';
import { contextOf } from '../context.ts';
import type { CliDeps } from '../io.ts';
import { type Deployment, deploymentLines, failureLines } from '../render/deployment.ts';
import { type DeploymentSummary, deploymentTable, queueLines } from '../render/summaries.ts';

const path = (id: string, action = '') => `/v1/deployments/${encodeURIComponent(id)}${action && `/${action}`}`;

/** What a control action answers: the deployment, its status now, and what the action did. */
interface ControlAnswer {
  deploymentId?: string;
  id?: string;
  status: string;
  message?: string;
}

const controlLine = (a: ControlAnswer) => `${a.deploymentId ?? a.id} ${a.status}${a.message ? `: ${a.message}` : ''}`;

export function deploymentCommands(program: Command, deps: CliDeps): void {
  program
    .command('status <id>')
    .description('one deployment: its hosts and where each one is')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const d = await ctx.client.get<Deployment>(path(id));
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
      const answer = await ctx.client.get<{ deployments: DeploymentSummary[] }>('/v1/deployments', { ...options, status: options.status?.toUpperCase() });
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
      const { deployments } = await ctx.client.get<{ deployments: DeploymentSummary[] }>('/v1/deployments', { ...target, status: 'QUEUED', limit: 500 });
      if (ctx.json) return ctx.printJson({ deployments });
      const holderId = deployments.find((d) => d.waitingFor)?.waitingFor;
      const holder = holderId ? await ctx.client.get<Deployment>(path(holderId)).catch(() => undefined) : undefined;
      ctx.print(queueLines(target, deployments, holder, ctx.style));
    });

  const actions: [string, string][] = [
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
        const answer = await ctx.client.post<ControlAnswer>(path(id, name), {});
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
      const answer = await ctx.client.post<ControlAnswer>(path(id, 'cancel'), options.rollback ? { rollback: true } : {});
      if (ctx.json) ctx.printJson(answer);
      else ctx.print(controlLine(answer));
    });
}
