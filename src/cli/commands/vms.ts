import type { Command } from 'commander';
import type { VmCreateRequest, VmQuery } from '../../client/index.ts';
import { contextOf, int } from '../context.ts';
import { EXIT_FAILED } from '../errors.ts';
import type { CliDeps } from '../io.ts';
import { colorStatus } from '../render/deployment.ts';
import { countLines, vmDetail, vmTable } from '../render/vms.ts';

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

export function vmCommands(program: Command, deps: CliDeps, exit: (code: number) => void = () => undefined): void {
  const vm = program.command('vm').description('create and decommission VMs, read the inventory');

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
      // Validation is the API's: its 400 names every missing or bad field.
      const answer = await ctx.client.createVms(body as VmCreateRequest, { idempotencyKey });
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
      const answer = await ctx.client.getVm(name);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print(vmDetail(answer, ctx.style));
    });

  vm.command('list')
    .description('the VM inventory, with counts per stack and OS')
    .option('--application <name>')
    .option('--environment <name>')
    .option('--status <status>', 'REQUESTED, PROVISIONING, READY, FAILED, CANCELLED, DECOMMISSIONING or DECOMMISSIONED')
    .option('--os-version <os>')
    .option('--stack <stack>')
    .action(async (options: Record<string, string | undefined>, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.listVms({ ...options, status: options.status?.toUpperCase() as VmQuery['status'] });
      if (ctx.json) return ctx.printJson(answer);
      ctx.print([...vmTable(answer.vms, ctx.style), ...countLines(answer.counts, ctx.style)]);
    });

  vm.command('delete <name>')
    .description('decommission a VM: drained and removed from HAProxy, the runner’s decommission job, its Chef node deleted; a repeat is harmless')
    .option('--wait', 'wait until it is DECOMMISSIONED; exit 1 if the decommission fails')
    .action(async (name: string, options: { wait?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const started = await ctx.client.deleteVm(name);
      const answer = options.wait ? await ctx.client.waitForDecommission(name, { pollMs: 1000 }) : started;
      if (ctx.json) ctx.printJson(answer);
      else ctx.print(options.wait ? vmDetail(answer, ctx.style) : [`${answer.name}  ${colorStatus(answer.status, ctx.style)}`]);
      if (options.wait && answer.status !== 'DECOMMISSIONED') exit(EXIT_FAILED);
    });

  vm.command('cancel <request-id>')
    .description('cancel a VM request: polling stops, unfinished VMs become CANCELLED; submitted jobs are left to the runner')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.cancelVmRequest(id);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print([
        `${ctx.style.bold(answer.id)}  ${answer.message}`,
        ...answer.vms.map((v) => `  ${v.name}  ${colorStatus(v.status, ctx.style)}${v.jobName ? ctx.style.dim(`  job ${v.jobName}`) : ''}`),
      ]);
    });
}
