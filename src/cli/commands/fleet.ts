import type { Command } from 'commander';
import type { Recycle, RecycleRequest } from '../../client/index.ts';
import { contextOf, int } from '../context.ts';
import { EXIT_FAILED } from '../errors.ts';
import type { CliDeps } from '../io.ts';
import { colorStatus } from '../render/deployment.ts';
import type { Style } from '../style.ts';

interface RecycleOptions {
  application?: string;
  environment?: string;
  fromOsVersion?: string;
  toOsVersion?: string;
  stack?: string;
  batchSize?: number;
  currentRelease?: string;
  maxFailedBatches?: number;
  wait?: boolean;
}

const counts = (c: Record<string, number> | null) =>
  c && Object.keys(c).length > 0
    ? Object.entries(c)
        .map(([os, n]) => `${os}: ${n}`)
        .join(', ')
    : '-';

/** A recycle as lines: status, release, the counts per OS, each batch and its VMs. */
export function recycleLines(r: Recycle, style: Style): string[] {
  return [
    `${style.bold(r.id)}  ${colorStatus(r.status, style)}  ${r.application}/${r.environment}  ${r.fromOsVersion ?? '(any)'} → ${r.toOsVersion}  release ${r.release ?? '?'}`,
    `  READY per OS before: ${counts(r.counts.before)}; after: ${counts(r.counts.after)}`,
    ...r.batches.flatMap((b) => [
      `  batch ${b.index}  ${colorStatus(b.status, style)}${b.error ? style.dim(`  ${b.error}`) : ''}`,
      ...b.old.map((vm) => `    old ${vm.name}  ${vm.status}${vm.error ? style.dim(`  ${vm.error}`) : ''}`),
      ...b.new.map((vm) => `    new ${vm.name}  ${vm.status}${vm.error ? style.dim(`  ${vm.error}`) : ''}`),
    ]),
    ...(r.error ? [`  error: ${r.error}`] : []),
    style.dim(`  ${r.links.temporalUi}`),
  ];
}

/** `vesemir fleet recycle …`, `vesemir fleet status <id>` and the controls, through the typed client. */
export function fleetCommands(program: Command, deps: CliDeps, exit: (code: number) => void = () => undefined): void {
  const fleet = program.command('fleet').description('recycle a fleet onto a new OS');

  fleet
    .command('recycle')
    .description('replace the READY VMs on one OS batch by batch: new VMs created, deployed the running release, added to HAProxy; the old decommissioned')
    .option('--application <name>')
    .option('--environment <name>')
    .option('--from-os-version <os>', 'the OS of the VMs to replace, e.g. ubuntu-20.04 (default: every OS but the new one)')
    .option('--to-os-version <os>', 'the new OS, e.g. ubuntu-22.04')
    .option('--stack <stack>', "the new VMs' stack (default: each old VM's)")
    .option('--batch-size <n>', 'old VMs replaced at a time', int)
    .option('--current-release <version>', 'refuse unless the fleet runs this release (its last SUCCEEDED deploy)')
    .option('--max-failed-batches <n>', 'failed (compensated) batches tolerated before it stops (default 0)', int)
    .option('--wait', 'follow it to the end; exit 1 unless it SUCCEEDED')
    .action(async (options: RecycleOptions, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const { wait, ...body } = options;
      // Validation is the API's: its 400 names every missing or bad field.
      const started = await ctx.client.recycleFleet(body as RecycleRequest);
      if (!wait) {
        if (ctx.json) return ctx.printJson(started);
        return ctx.print([`${ctx.style.bold(started.id)}  ${colorStatus(started.status, ctx.style)}`, ctx.style.dim(`  ${started.links.temporalUi}`)]);
      }
      const done = await ctx.client.waitForRecycle(started.id, { pollMs: 1000 });
      if (ctx.json) ctx.printJson(done);
      else ctx.print(recycleLines(done, ctx.style));
      if (done.status !== 'SUCCEEDED') exit(EXIT_FAILED);
    });

  fleet
    .command('status <id>')
    .description('a fleet recycle: status, batches, each VM, READY VMs per OS before and after')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const answer = await ctx.client.getRecycle(id);
      if (ctx.json) return ctx.printJson(answer);
      ctx.print(recycleLines(answer, ctx.style));
    });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    fleet
      .command(`${action} <id>`)
      .description(`${action} a fleet recycle`)
      .action(async (id: string, _options: unknown, cmd: Command) => {
        const ctx = contextOf(cmd, deps);
        const answer = await ctx.client.controlRecycle(id, action);
        if (ctx.json) return ctx.printJson(answer);
        ctx.print([`${ctx.style.bold(answer.recycleId)}  ${colorStatus(answer.status, ctx.style)}  ${answer.message}`]);
      });
  }
}
