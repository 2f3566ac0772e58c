import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { temporalCliPath } from '../../src/temporal/binaries.ts';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.ts';
import { type RunningPostgres, startPostgres } from '../fleet/postgres.ts';
import { endpointOf, lostAPort, type ServerProcess, serverEnv, setupSchemas, startServerProcess, waitForFrontend, waitForPort } from './temporal-server.ts';

const run = promisify(execFile);

export interface TemporalCluster {
  /** The frontend's gRPC address. */
  address: string;
  namespace: string;
  /** Vesemir's own database on the same Postgres server. */
  vesemirDatabaseUrl: string;
  /** The `temporal` CLI against this cluster (`temporal workflow list --query …`). */
  cli(args: string[]): Promise<string>;
  /** deploy/temporal/setup-schema.sh once more, on the set-up databases (what a compose restart does); its output. */
  setupSchemaAgain(): Promise<string>;
  /** Stops the history process, waits `downMs`, starts it again on the same ports and database. */
  restartHistory(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Postgres, Temporal's schemas, then the server as two processes from one
 * config file: frontend + matching + worker in one, history in the other, so
 * a test can restart history alone while the frontend keeps answering (the
 * way a cluster's services fail: one at a time). Then the namespace and our
 * search attributes, made with the CLI as an operator would.
 */
export async function startTemporalCluster(namespace = 'default'): Promise<TemporalCluster> {
  const pg: RunningPostgres = await startPostgres();
  const processes: ServerProcess[] = [];
  const stop = async () => {
    for (const p of processes.splice(0).reverse()) await p.stop();
    await pg.stop();
  };
  try {
    const endpoint = endpointOf(pg.url);
    await setupSchemas(endpoint);
    // Ports are picked free but taken only at the server's bind: one a test alongside took
    // in between fails the start, which is then made again on other ports (nothing else is).
    let env: Record<string, string>;
    for (let attempt = 1; ; attempt++) {
      env = await serverEnv(endpoint);
      try {
        // One after the other: each process writes the cluster's metadata on a
        // new database at start, and two at once race (one fails to start).
        processes.push(startServerProcess(env, ['history']));
        await waitForPort(Number(env.HISTORY_GRPC_PORT), processes);
        processes.push(startServerProcess(env, ['frontend', 'matching', 'worker']));
        await waitForFrontend(`127.0.0.1:${env.FRONTEND_GRPC_PORT}`, processes);
        break;
      } catch (err) {
        const portTaken = processes.some((p) => lostAPort(p.output()));
        for (const p of processes.splice(0).reverse()) await p.stop();
        if (!portTaken || attempt === 3) throw err;
      }
    }
    const address = `127.0.0.1:${env.FRONTEND_GRPC_PORT}`;

    const cli = async (args: string[]) => (await run(temporalCliPath(), [...args, '--address', address], { timeout: 30_000 })).stdout;
    await cli(['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '1d']);
    for (const key of SEARCH_ATTRIBUTES) {
      await cli(['operator', 'search-attribute', 'create', '--namespace', namespace, '--name', key.name, '--type', 'Keyword']);
    }
    return {
      address,
      namespace,
      vesemirDatabaseUrl: pg.url,
      cli: (args) => cli([...args, '--namespace', namespace]),
      setupSchemaAgain: () => setupSchemas(endpoint),
      async restartHistory(downMs) {
        const index = processes.findIndex((p) => p.services.includes('history'));
        await processes[index]!.stop();
        await new Promise((r) => setTimeout(r, downMs));
        processes[index] = startServerProcess(env, ['history']);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
