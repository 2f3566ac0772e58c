import type { Command } from 'commander';
import { temporalConnectionFromEnv } from '../../temporal/connection-options.ts';
import { contextOf } from '../context.ts';
import { CliError, EXIT_FAILED } from '../errors.ts';
import type { CliDeps } from '../io.ts';

interface ReplayOptions {
  save?: string;
  temporalAddress?: string;
  namespace?: string;
}

export function replayCommand(program: Command, deps: CliDeps, exit: (code: number) => void): void {
  program
    .command('replay <id>')
    .description("replay a deployment's workflow histories against the current code")
    .option('--save <dir>', 'also write the histories there as JSON fixtures')
    .option('--temporal-address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS, default 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default default)')
    .action(async (id: string, options: ReplayOptions, cmd: Command) => {
      const ctx = contextOf(cmd, deps);
      const address = options.temporalAddress ?? deps.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
      const namespace = options.namespace ?? deps.env.TEMPORAL_NAMESPACE ?? 'default';
      // Encrypted payloads (VESEMIR_PAYLOAD_KEY_PATH) need the same key to be replayed.
      const payloadKeyPath = deps.env.VESEMIR_PAYLOAD_KEY_PATH || undefined;
      // The service's TEMPORAL_TLS* / TEMPORAL_API_KEY_PATH variables reach the same cluster.
      const connection = temporalConnectionFromEnv({ ...deps.env, TEMPORAL_ADDRESS: address });
      const reports = await deps.replay({ address, namespace, connection, deploymentId: id, saveDir: options.save, payloadKeyPath }).catch((err: Error) => {
        throw new CliError(`replay of ${id} against Temporal at ${address} (namespace ${namespace}): ${err.message}`);
      });
      const failed = reports.length === 0 || reports.some((r) => !r.ok);
      if (ctx.json) ctx.printJson(reports);
      else if (reports.length === 0) ctx.warn(ctx.style.red(`no workflow history found for ${id}`));
      else {
        ctx.print(
          reports.map((r) =>
            r.ok ? `${ctx.style.green('OK  ')}  ${r.workflowId}` : `${ctx.style.red('FAIL')}  ${r.workflowId}: ${r.error ?? 'nondeterministic'}`,
          ),
        );
        if (options.save) ctx.print(ctx.style.dim(`histories saved in ${options.save}`));
      }
      if (failed) exit(EXIT_FAILED);
    });
}
