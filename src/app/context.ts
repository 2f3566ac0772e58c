import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { loadApplications, loadProvisioningCatalog } from '../adapters/applications-file.ts';
import { type Db, openDb, redactUrl } from '../adapters/store/db.ts';
import { SqlDeploymentStore } from '../adapters/store/deployment-store.ts';
import { SqlVmStore } from '../adapters/store/vm-store.ts';
import type { Config } from '../config.ts';
import type { ApplicationCatalog } from '../domain/applications.ts';
import type { DeploymentStore } from '../domain/deployment.ts';
import type { ProvisioningCatalog } from '../domain/provisioning-catalog.ts';
import type { VmStore } from '../domain/vm.ts';
import { connectTemporal } from '../temporal/connect.ts';
import { temporalConnectionOptions } from '../temporal/connection-options.ts';
import { dataConverterFromConfig } from './adapters.ts';

/** What the API and the worker share: the database, Temporal connections, the application catalog. */
export interface Context {
  config: Config;
  logger: Logger;
  db: Db;
  store: DeploymentStore;
  vmStore: VmStore;
  applications: ApplicationCatalog;
  provisioningCatalog: ProvisioningCatalog;
  /** Encrypts payloads when VESEMIR_PAYLOAD_KEY_PATH is set; workers must use the same. */
  dataConverter: DataConverter | undefined;
  client: Client;
  native: NativeConnection;
  close(): Promise<void>;
}

export async function openContext(config: Config, logger: Logger, temporalAddress: string): Promise<Context> {
  const applications = loadApplications(config.VESEMIR_APPS_FILE);
  const provisioningCatalog = loadProvisioningCatalog(config.VESEMIR_APPS_FILE);
  const dataConverter = dataConverterFromConfig(config);
  // Temporal first: a wrong address or TLS setting fails before the database is opened.
  const { connection, native } = await connectTemporal(temporalAddress, temporalConnectionOptions(config));
  const db = await openDb(config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: join(config.VESEMIR_DATA_DIR, 'pglite') }).catch(async (err) => {
    await Promise.allSettled([connection.close(), native.close()]);
    throw err;
  });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(dataConverter ? { dataConverter } : {}) });
  logger.info({ database: config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : 'pglite', applications: [...applications.keys()] }, 'database open');
  return {
    config,
    logger,
    db,
    store: new SqlDeploymentStore(db),
    vmStore: new SqlVmStore(db),
    applications,
    provisioningCatalog,
    dataConverter,
    client,
    native,
    async close() {
      await connection.close().catch(() => undefined);
      await native.close().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}
