import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { apiFromContext } from '../../src/app/api.ts';
import type { Context } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openTestContext } from '../support/test-context.ts';

// The API as main wires it (config → context → routes) on the run's Temporal
// dev server and a PGlite of its own, with VM provisioning left unconfigured.

const dir = mkdtempSync(join(tmpdir(), 'vesemir-vms-unconfigured-'));
const opened: { ctx: Context; api: FastifyInstance }[] = [];
afterAll(async () => {
  for (const { ctx, api } of opened) {
    await api.close();
    await ctx.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function vesemirApi(env: Record<string, string>) {
  const address = inject('temporalAddress');
  const config = loadConfig({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `it-${randomUUID()}`,
    VESEMIR_DATA_DIR: join(dir, randomUUID()),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const ctx = await openTestContext(config, createLogger('silent'), address);
  const api = await apiFromContext(ctx, { apiUrl: 'http://vesemir.test', temporalUiUrl: 'http://temporal-ui.test' });
  opened.push({ ctx, api });
  return { ctx, api };
}

const request = { application: 'shop', environment: 'production', team: 'payments', stack: 'java', osVersion: 'ubuntu-22.04', count: 2 };

describe('VM requests while provisioning is not configured', () => {
  it('answers 503 at once naming the variables, and stores nothing, takes no name and starts no workflow', async () => {
    const { ctx, api } = await vesemirApi({});
    const start = vi.spyOn(ctx.client.workflow, 'start');
    const started = Date.now();
    const res = await api.inject({ method: 'POST', url: '/v1/vms', payload: request, headers: { 'idempotency-key': 'k-1' } });
    const took = Date.now() - started;
    console.info(`POST /v1/vms without provisioning answered ${res.statusCode} in ${took} ms`);
    expect(res.statusCode).toBe(503);
    expect(took).toBeLessThan(1000);
    expect(res.json()).toEqual({
      error: 'ProvisioningNotConfigured',
      message: 'VM provisioning (Proctor) is not configured: set PROCTOR_URL, PROCTOR_EMAIL_ID and PROCTOR_ACCESS_TOKEN_PATH',
      missing: ['PROCTOR_URL', 'PROCTOR_EMAIL_ID', 'PROCTOR_ACCESS_TOKEN_PATH'],
      docs: 'docs/runbook.md#provisioningnotconfigured',
    });
    expect(start).not.toHaveBeenCalled();
    expect(await ctx.vmStore.countVms({})).toMatchObject({ total: 0 });
    expect(await ctx.db.query('SELECT count(*)::int AS n FROM vm_requests')).toEqual([{ n: 0 }]);
    expect(await ctx.db.query('SELECT count(*)::int AS n FROM vm_name_sequences')).toEqual([{ n: 0 }]);
  });

  it('names only what is missing', async () => {
    const { api } = await vesemirApi({ PROCTOR_URL: 'http://proctor.test', PROCTOR_EMAIL_ID: 'vesemir@example.com' });
    const res = await api.inject({ method: 'POST', url: '/v1/vms', payload: request });
    expect([res.statusCode, res.json().missing, res.json().message]).toEqual([
      503,
      ['PROCTOR_ACCESS_TOKEN_PATH'],
      'VM provisioning (Proctor) is not configured: set PROCTOR_ACCESS_TOKEN_PATH',
    ]);
  });
});
