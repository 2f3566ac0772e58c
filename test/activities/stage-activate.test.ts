import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities/deps.ts';
import { createHostActivities } from '../../src/activities/host-activities.ts';
import type { StepRecord } from '../../src/domain/deployment.ts';
import type { RemoteSession } from '../../src/domain/ports.ts';
import { shellLine } from '../../src/domain/shell.ts';

// stageRelease and activateRelease against a "host" that is a local directory
// run through `sh -c <line>` like sshd does, counting the round trips.

const host = { name: 'shop-vm1', address: '127.0.0.1' };
const ARCHIVE = Buffer.from('not a real tarball, only its checksum matters until tar runs');

let root: string;
let installDir: string;
let trips: string[];
let steps: StepRecord[];
let archive: Buffer;

const session: RemoteSession = {
  async exec(argv) {
    trips.push(`exec ${argv[3] ?? argv[0]}`);
    const r = spawnSync('sh', ['-c', shellLine(argv)], { encoding: 'utf8' });
    return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, durationMs: 0 };
  },
  async upload(data, remotePath, mode) {
    trips.push('upload');
    writeFileSync(remotePath, data, { mode });
  },
  spawn: () => Promise.reject(new Error('not used')),
  close: async () => undefined,
};

function activities() {
  const deps = {
    store: { saveStep: async (s: StepRecord) => void steps.push(s) },
    remote: { connect: async () => session },
    artifacts: { get: async () => archive },
    applications: new Map([['shop', { name: 'shop', team: 'payments', installDir, restartCommand: ['true'], keepReleases: 5 }]]),
    logger: pino({ level: 'silent' }),
  } as unknown as ActivityDeps;
  return createHostActivities(deps);
}

const input = (version: string, sha256: string) => ({
  deploymentId: 'd-1',
  application: 'shop',
  host,
  version,
  artifact: { url: 'http://artifacts.invalid/shop.tar.gz', sha256 },
});

/** A tarball holding `app.txt`, made with the host's tar. */
function tarball(content: string): Buffer {
  const src = mkdtempSync(join(root, 'src-'));
  writeFileSync(join(src, 'app.txt'), content);
  return spawnSync('tar', ['-czf', '-', '-C', src, '.']).stdout;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
// Failures are asserted here, not logged.
const run = <T>(fn: () => Promise<T>) => new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(fn);
const finished = () => steps.filter((s) => s.status !== 'RUNNING');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vesemir-stage-'));
  installDir = join(root, 'opt', 'shop');
  trips = [];
  steps = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('stageRelease', () => {
  it('stages in 3 round trips: inspect + prepare, upload, verify + unpack', async () => {
    mkdirSync(join(installDir, 'releases', 'v1'), { recursive: true });
    symlinkSync('releases/v1', join(installDir, 'current'));
    archive = tarball('v2 code');
    const result = await run(() => activities().stageRelease(input('v2', sha256(archive))));
    expect(result).toEqual({ previousVersion: 'v1' });
    expect(trips).toEqual(['exec vesemir-stage-inspect', 'upload', 'exec vesemir-stage-unpack']);
    expect(readFileSync(join(installDir, 'releases', 'v2', 'app.txt'), 'utf8')).toBe('v2 code');
    const [step] = finished();
    expect(step).toMatchObject({ step: 'stage', status: 'SUCCEEDED', exitCode: 0 });
    expect(step!.command!.split('\n')).toHaveLength(2);
    expect(step!.stdout).toContain('previous release: v1');
  });

  it('on a first deploy has no previous release', async () => {
    archive = tarball('v1 code');
    expect(await run(() => activities().stageRelease(input('v1', sha256(archive))))).toEqual({ previousVersion: undefined });
    expect(readFileSync(join(installDir, 'releases', 'v1', 'app.txt'), 'utf8')).toBe('v1 code');
  });

  it('skips the upload when the release is already current', async () => {
    mkdirSync(join(installDir, 'releases', 'v2'), { recursive: true });
    symlinkSync(join(installDir, 'releases', 'v2'), join(installDir, 'current'));
    archive = tarball('v2 code');
    expect(await run(() => activities().stageRelease(input('v2', sha256(archive))))).toEqual({ previousVersion: undefined });
    expect(trips).toEqual(['exec vesemir-stage-inspect']);
    expect(finished()[0]!.stdout).toContain('release v2 is already current');
  });

  it('refuses an upload whose sha256 differs with ArtifactChecksumMismatch, unpacking nothing', async () => {
    archive = ARCHIVE;
    const expected = 'f'.repeat(64);
    const err = await run(() => activities().stageRelease(input('v3', expected))).catch((e) => e);
    expect(err).toMatchObject({
      type: 'ArtifactChecksumMismatch',
      nonRetryable: true,
      message: `shop-vm1: uploaded artifact has sha256 ${sha256(ARCHIVE)}, expected ${expected}`,
    });
    expect(finished()[0]).toMatchObject({ status: 'FAILED', exitCode: 65, errorType: 'ArtifactChecksumMismatch' });
    expect(spawnSync('ls', [join(installDir, 'releases')], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('reports any other failure of the unpack as RemoteCommandFailed with the stderr tail', async () => {
    archive = ARCHIVE; // matches its own checksum, but is no gzip
    const err = await run(() => activities().stageRelease(input('v4', sha256(ARCHIVE)))).catch((e: Error & { type: string }) => e);
    expect(err).toMatchObject({ type: 'RemoteCommandFailed' });
    expect((err as Error).message).toMatch(/^shop-vm1: `sh -c .*vesemir-stage-unpack .*` exited 2: .*(gzip|tar)/s);
  });
});

describe('activateRelease', () => {
  it('switches current in one round trip', async () => {
    mkdirSync(join(installDir, 'releases', 'v1'), { recursive: true });
    symlinkSync('releases/v1', join(installDir, 'current'));
    await run(() => activities().activateRelease({ deploymentId: 'd-1', application: 'shop', host, version: 'v2' }));
    expect(trips).toEqual(['exec vesemir-activate']);
    expect(readlinkSync(join(installDir, 'current'))).toBe('releases/v2');
    expect(finished()[0]).toMatchObject({ step: 'activate', status: 'SUCCEEDED' });
  });
});
