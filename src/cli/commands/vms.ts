import type { Command } from 'commander';
import { contextOf, int } from '../context.ts';
import type { CliDeps } from '../io.ts';
import { colorStatus } from '../render/deployment.ts';
import { countLines, type VmCounts, type VmJson, vmDetail, vmTable } from '../render/vms.ts';

interface CreateOptions {
  application?: string;
  environment?: string;
  team?: string;
  stack?: string;
  osVersion?: string;
  machineType?: string;
  count?: number;
  idempotencyKey?: string;
}

interface Accepted {
  id: string;
  vms: { name: string; status: string }[];
  links: { self: string; temporalUi: string };
}

interface Cancelled {
  id: string;
  message: string;
  vms: { name: string; status: string; jobName: string | null }[];
}

export function vmCommands(program: Command, deps: CliDeps): void {
  const vm = program.command('vm').description('create VMs and read the inventory');

  vm.command('create')
    .description('provision VMs (one job per VM)')
    .option('--application <name>')
    .option('--environment <name>')
    .option('--team <name>')
    .option('--stack <stack>', 'language stack, e.g. python')
    .option('--os-version <os>', 'e.g. ubuntu-22.04')
    .option('--machine-type <type>', "default: the catalog's for the stack and OS")
    .option('--count <n>', 'how many VMs', int)
    .option('--idempotency-key <key>', 'the same key answers the same request')
    .action(async (options: CreateOptions, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const { idempotencyKey, ...body } = options;
      const headers: Record<string, string> = idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
      const answer = await ctx.client.post<Accepted>('/v1/vms', body, {}, headers);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print([
        `${ctx.style.bold(answer.id)}  ${answer.vms.length} VM${answer.vms.length === 1 ? '' : 's'}`,
        ...answer.vms.map((v) => `  ${v.name}  ${colorStatus(v.status, ctx.style)}`),
        ctx.style.dim(`  ${answer.links.temporalUi}`),
      ]);
    });

  vm.command('get <name>')
    .description('one VM with its status history')
    .action(async (name: string, _options: unknown, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.get<VmJson>(`/v1/vms/${encodeURIComponent(name)}`);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print(vmDetail(answer, ctx.style));
    });

  vm.command('list')
    .description('the VM inventory, with counts per stack and OS')
    .option('--application <name>')
    .option('--environment <name>')
    .option('--status <status>', 'REQUESTED, PROVISIONING, READY, FAILED or CANCELLED')
    .option('--os-version <os>')
    .option('--stack <stack>')
    .action(async (options: Record<string, string | undefined>, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.get<{ vms: VmJson[]; counts?: VmCounts }>('/v1/vms', { ...options, status: options.status?.toUpperCase() });
      if (ctx.json) return ctx.printJson(answer);
      ctx.print([...vmTable(answer.vms, ctx.style), ...countLines(answer.counts, ctx.style)]);
    });

  vm.command('cancel <request-id>')
    .description('cancel a VM request: polling stops, unfinished VMs become CANCELLED; submitted jobs are left to the runner')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.post<Cancelled>(`/v1/vm-requests/${encodeURIComponent(id)}/cancel`, undefined);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print([
        `${ctx.style.bold(answer.id)}  ${answer.message}`,
        ...answer.vms.map((v) => `  ${v.name}  ${colorStatus(v.status, ctx.style)}${v.jobName ? ctx.style.dim(`  job ${v.jobName}`) : ''}`),
      ]);
    });
}
