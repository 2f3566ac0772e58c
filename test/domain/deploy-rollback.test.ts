import { describe, expect, it } from 'vitest';
import { deployRequestSchema } from '../../src/domain/deploy-request.ts';
import { inspectKeptReleaseCommand, planRollback, type RollbackFacts, rollbackRequest } from '../../src/domain/deploy-rollback.ts';
import { VesemirError } from '../../src/domain/errors.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const host = (name: string) => ({ name, address: '10.0.0.1' });

function facts(overrides: Partial<RollbackFacts> = {}): RollbackFacts {
  return {
    original: { id: 'd-orig', status: 'SUCCEEDED', createdAt: T0, application: 'shop', environment: 'production' },
    hosts: [
      { host: host('shop-1'), result: { name: 'shop-1', status: 'DONE', previousVersion: 'v1' } },
      { host: host('shop-2'), result: { name: 'shop-2', status: 'DONE', previousVersion: 'v1' } },
      { host: host('shop-3'), result: { name: 'shop-3', status: 'SKIPPED', error: 'in maintenance before the deploy' } },
    ],
    later: [],
    force: false,
    ...overrides,
  };
}

function refusal(f: RollbackFacts): { type: string; message: string; reason: unknown } {
  try {
    planRollback(f);
  } catch (err) {
    if (err instanceof VesemirError) return { type: err.type, message: err.message, reason: err.details.reason };
    throw err;
  }
  throw new Error('not refused');
}

describe('planRollback', () => {
  it('takes every DONE host back to its previous release, leaving the others alone', () => {
    expect(planRollback(facts())).toEqual([
      { host: host('shop-1'), version: 'v1' },
      { host: host('shop-2'), version: 'v1' },
    ]);
  });

  it.each(['FAILED', 'CANCELLED', 'RUNNING', 'QUEUED'] as const)('refuses a deploy that is %s', (status) => {
    const r = refusal(facts({ original: { ...facts().original, status } }));
    expect(r).toMatchObject({ type: 'RollbackNotPossible', reason: 'not-succeeded' });
    expect(r.message).toContain(`is ${status}`);
  });

  it('refuses a second rollback while the first is running or done', () => {
    for (const status of ['QUEUED', 'RUNNING', 'SUCCEEDED'] as const) {
      const r = refusal(facts({ rolledBackBy: { id: 'd-rb1', status } }));
      expect(r).toMatchObject({ type: 'AlreadyRolledBack', reason: 'already-rolled-back' });
      expect(r.message).toContain('already rolled back by d-rb1');
    }
  });

  it('allows another rollback when the linked one FAILED or was CANCELLED (and does not count it as a later deploy)', () => {
    const rb = { id: 'd-rb1', status: 'FAILED' as const, startedAt: T0 };
    expect(planRollback(facts({ rolledBackBy: rb, later: [rb] }))).toHaveLength(2);
  });

  it('refuses after a later deploy has run, unless forced', () => {
    const later = [{ id: 'd-later', status: 'SUCCEEDED' as const, startedAt: new Date(T0.getTime() + 1000) }];
    const r = refusal(facts({ later }));
    expect(r).toMatchObject({ type: 'LaterDeployRan', reason: 'later-deploy' });
    expect(r.message).toContain('d-later (SUCCEEDED)');
    expect(r.message).toContain('"force": true');
    expect(planRollback(facts({ later, force: true }))).toHaveLength(2);
  });

  it('counts a later deploy that is queued or running, not one cancelled before its turn', () => {
    expect(refusal(facts({ later: [{ id: 'd-q', status: 'QUEUED', startedAt: undefined }] })).type).toBe('LaterDeployRan');
    expect(planRollback(facts({ later: [{ id: 'd-c', status: 'CANCELLED', startedAt: undefined }] }))).toHaveLength(2);
  });

  it('refuses when no host is DONE', () => {
    const hosts = facts().hosts.map((h) => ({ ...h, result: { ...h.result, status: 'SKIPPED' as const } }));
    expect(refusal(facts({ hosts }))).toMatchObject({ type: 'RollbackNotPossible', reason: 'no-done-host' });
  });

  it('refuses when a DONE host has no known previous release (its first deploy), naming it', () => {
    const hosts = [...facts().hosts, { host: host('shop-4'), result: { name: 'shop-4', status: 'DONE' as const } }];
    const r = refusal(facts({ hosts }));
    expect(r).toMatchObject({ type: 'RollbackNotPossible', reason: 'previous-unknown' });
    expect(r.message).toContain('shop-4');
  });
});

describe('rollbackRequest', () => {
  const original = deployRequestSchema.parse({
    application: 'shop',
    environment: 'production',
    team: 'payments',
    version: 'v2',
    artifact: { url: 'http://a/shop-v2.tar.gz', sha256: 'a'.repeat(64) },
    haproxy: { weight: 25, degradationSeconds: 5 },
    concurrency: 2,
    canary: { hosts: 1, requireApproval: true },
    queue: false,
    healthCheck: { port: 8080 },
  });

  it("keeps the original's HAProxy settings, health check and budget; drops the canary; queues; names the release it returns to", () => {
    const artifact = { url: 'http://a/shop-v1.tar.gz', sha256: 'b'.repeat(64) };
    const r = rollbackRequest(original, [{ host: host('shop-1'), version: 'v1' }], artifact);
    expect(r).toEqual({ ...original, canary: undefined, version: 'v1', artifact, queue: true });
    expect('canary' in r).toBe(false);
    expect(deployRequestSchema.parse(r)).toEqual(r);
  });
});

describe('inspectKeptReleaseCommand', () => {
  it('reads `current` and tests releases/<version> with the paths as positional parameters', () => {
    const argv = inspectKeptReleaseCommand('/opt/shop', 'v1');
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv.slice(3)).toEqual(['vesemir-rollback-inspect', '/opt/shop/current', '/opt/shop/releases/v1']);
    expect(argv[2]).not.toContain('v1');
  });
});
