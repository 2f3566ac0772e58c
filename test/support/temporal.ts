import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import { createWorker } from '../../src/app/worker.ts';

let bundle: Promise<WorkflowBundle> | undefined;

// Worker state changes and activity failures the tests provoke on purpose are
// noise; warnings and errors still show. Installed once per process.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by another file in this process
}

/** The run's bundle of src/workflows (made once, by test/support/global-setup.ts), read once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= readFile(inject('workflowBundlePath'), 'utf8').then((code) => ({ code }));
  return bundle;
}

export interface TemporalHarness {
  address: string;
  client: Client;
  taskQueue: string;
  startWorker(activities: object): Promise<{ worker: Worker; run: Promise<void>; stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** A client and workers on the run's shared dev server, on a task queue of their own. */
export async function temporalHarness(): Promise<TemporalHarness> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `test-${randomUUID()}`;
  const nativeConnections: NativeConnection[] = [];
  return {
    address,
    client,
    taskQueue,
    async startWorker(activities) {
      const native = await NativeConnection.connect({ address });
      nativeConnections.push(native);
      const worker = await createWorker({
        connection: native,
        namespace: 'default',
        taskQueue,
        activities,
        workflowBundle: await workflowBundle(),
      });
      const run = worker.run();
      return {
        worker,
        run,
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await run;
        },
      };
    },
    async close() {
      await connection.close();
      for (const native of nativeConnections) await native.close();
    },
  };
}
