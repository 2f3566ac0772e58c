import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  activateCommand,
  CHECKSUM_MISMATCH_EXIT,
  currentLink,
  incomingArchive,
  inspectAndPrepareCommand,
  parseActualChecksum,
  parseInspection,
  type ReleaseLayout,
  releaseDir,
  unpackingDir,
  verifyAndUnpackCommand,
  versionFromLink,
} from '../../src/domain/release-commands.ts';
import { shellLine } from '../../src/domain/shell.ts';

// The release scripts run here through a local `sh -c <line>`, the way sshd
// runs the line the SSH adapter sends: the same quoting, the same shell.

let root: string;
let installDir: string;
const at = (version: string): ReleaseLayout => ({ installDir, version });

function onHost(argv: readonly string[]) {
  const r = spawnSync('sh', ['-c', shellLine(argv)], { encoding: 'utf8', cwd: root });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A release archive holding `app.txt`, uploaded where stage puts it; returns its sha256. */
function upload(l: ReleaseLayout, content: string): string {
  const src = join(root, `src-${l.version}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'app.txt'), content);
  mkdirSync(join(installDir, 'releases', '.incoming'), { recursive: true });
  execFileSync('tar', ['-czf', incomingArchive(l), '-C', src, '.']);
  return createHash('sha256')
    .update(readFileSync(incomingArchive(l)))
    .digest('hex');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vesemir-release-'));
  installDir = join(root, 'opt', 'shop');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('release scripts', () => {
  it('are constant text: data only reaches them as positional parameters', () => {
    const a = { installDir: '/opt/shop', version: 'v1' };
    const b = { installDir: '/srv/other', version: '2.0.0+build.7' };
    const sha = 'a'.repeat(64);
    for (const [x, y] of [
      [inspectAndPrepareCommand(a), inspectAndPrepareCommand(b)],
      [verifyAndUnpackCommand(a, sha), verifyAndUnpackCommand(b, 'b'.repeat(64))],
      [activateCommand(a), activateCommand(b)],
    ] as const) {
      expect(x.slice(0, 2)).toEqual(['sh', '-c']);
      expect(x[2]).toBe(y[2]);
      expect(x[2]).not.toMatch(/shop|v1/);
    }
    expect(inspectAndPrepareCommand(a).slice(3)).toEqual([
      'vesemir-stage-inspect',
      '/opt/shop/current',
      '/opt/shop/releases/v1',
      '/opt/shop/releases/.incoming',
    ]);
    expect(verifyAndUnpackCommand(a, sha).slice(3)).toEqual([
      'vesemir-stage-unpack',
      '/opt/shop/releases/.incoming/v1.tar.gz',
      sha,
      '/opt/shop/releases/v1',
      '/opt/shop/releases/v1.unpacking',
    ]);
    expect(activateCommand(a).slice(3)).toEqual(['vesemir-activate', 'releases/v1', '/opt/shop/current.next', '/opt/shop/current']);
  });

  it('refuse to build an unpack whose expected sha256 is not 64 hex digits', () => {
    for (const bad of ['', 'f'.repeat(63), 'F'.repeat(64), `${'f'.repeat(64)}; reboot`]) {
      expect(() => verifyAndUnpackCommand(at('v1'), bad)).toThrow(/64 lowercase hex/);
    }
  });
});

describe('inspect and prepare', () => {
  it('on a first deploy: no current, no release, and makes the upload dir', () => {
    const r = onHost(inspectAndPrepareCommand(at('v1')));
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(parseInspection(r.stdout)).toEqual({ currentTarget: undefined, releaseExists: false });
    expect(existsSync(join(installDir, 'releases', '.incoming'))).toBe(true);
  });

  it('reads where current points and whether the release is there', () => {
    mkdirSync(releaseDir(at('v1')), { recursive: true });
    symlinkSync('releases/v1', currentLink(installDir));
    const v1 = onHost(inspectAndPrepareCommand(at('v1')));
    expect(v1.stdout).toBe('current=releases/v1\nrelease=present\n');
    expect(parseInspection(v1.stdout)).toEqual({ currentTarget: 'releases/v1', releaseExists: true });
    expect(versionFromLink('releases/v1')).toBe('v1');
    expect(parseInspection(onHost(inspectAndPrepareCommand(at('v2'))).stdout)).toEqual({ currentTarget: 'releases/v1', releaseExists: false });
  });

  it('fails when the upload dir cannot be made', () => {
    mkdirSync(installDir, { recursive: true });
    writeFileSync(join(installDir, 'releases'), 'a file in the way');
    const r = onHost(inspectAndPrepareCommand(at('v1')));
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/mkdir/);
  });
});

describe('verify and unpack', () => {
  it('unpacks a matching archive into the release dir through a temporary dir, and removes the archive', () => {
    const l = at('v2');
    const sha = upload(l, 'v2 code');
    mkdirSync(unpackingDir(l), { recursive: true }); // left by an interrupted attempt
    mkdirSync(releaseDir(l), { recursive: true }); // an incomplete earlier copy
    writeFileSync(join(releaseDir(l), 'stale.txt'), 'old');
    const r = onHost(verifyAndUnpackCommand(l, sha));
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(readFileSync(join(releaseDir(l), 'app.txt'), 'utf8')).toBe('v2 code');
    expect(existsSync(join(releaseDir(l), 'stale.txt'))).toBe(false);
    expect(existsSync(unpackingDir(l))).toBe(false);
    expect(existsSync(incomingArchive(l))).toBe(false);
  });

  it('refuses an archive whose sha256 differs: a distinct exit, the actual sum, nothing unpacked', () => {
    const l = at('v2');
    const actual = upload(l, 'not what was promised');
    const r = onHost(verifyAndUnpackCommand(l, 'f'.repeat(64)));
    expect(r.exitCode).toBe(CHECKSUM_MISMATCH_EXIT);
    expect(parseActualChecksum(r.stderr)).toBe(actual);
    expect(r.stderr).toContain(`expected ${'f'.repeat(64)}`);
    expect(existsSync(releaseDir(l))).toBe(false);
    expect(existsSync(unpackingDir(l))).toBe(false);
  });

  it('fails with another exit when the archive is missing or broken, leaving no release dir', () => {
    const missing = onHost(verifyAndUnpackCommand(at('v3'), 'f'.repeat(64)));
    expect(missing.exitCode).not.toBe(0);
    expect(missing.exitCode).not.toBe(CHECKSUM_MISMATCH_EXIT);
    expect(missing.stderr).toMatch(/sha256sum/);

    const l = at('v4');
    mkdirSync(join(installDir, 'releases', '.incoming'), { recursive: true });
    writeFileSync(incomingArchive(l), 'not gzip');
    const sha = createHash('sha256').update('not gzip').digest('hex');
    const broken = onHost(verifyAndUnpackCommand(l, sha));
    expect(broken.exitCode).not.toBe(0);
    expect(broken.exitCode).not.toBe(CHECKSUM_MISMATCH_EXIT);
    expect(broken.stderr).toMatch(/gzip|tar/);
    expect(existsSync(releaseDir(l))).toBe(false);
  });

  it('keeps hostile data as data', () => {
    const l = at('x$(touch canary)`touch canary`; touch canary\' "; touch canary');
    const sha = upload(l, 'odd');
    expect(onHost(inspectAndPrepareCommand(l)).exitCode).toBe(0);
    expect(onHost(verifyAndUnpackCommand(l, sha)).exitCode).toBe(0);
    expect(onHost(activateCommand(l)).exitCode).toBe(0);
    expect(readFileSync(join(releaseDir(l), 'app.txt'), 'utf8')).toBe('odd');
    expect(existsSync(join(root, 'canary'))).toBe(false);
  });
});

describe('activate', () => {
  it('points current at the release by renaming a new link over it, leaving no current.next', () => {
    mkdirSync(releaseDir(at('v1')), { recursive: true });
    mkdirSync(releaseDir(at('v2')), { recursive: true });
    expect(onHost(activateCommand(at('v1')))).toMatchObject({ exitCode: 0, stderr: '' });
    expect(readlinkSync(currentLink(installDir))).toBe('releases/v1');
    expect(onHost(activateCommand(at('v2')))).toMatchObject({ exitCode: 0, stderr: '' });
    expect(readlinkSync(currentLink(installDir))).toBe('releases/v2');
    expect(existsSync(`${currentLink(installDir)}.next`)).toBe(false);
  });

  it('fails without touching current when the switch cannot be made', () => {
    mkdirSync(releaseDir(at('v1')), { recursive: true });
    onHost(activateCommand(at('v1')));
    mkdirSync(`${currentLink(installDir)}.next/in-the-way`, { recursive: true }); // a directory cannot be renamed over a link
    const r = onHost(activateCommand(at('v2')));
    expect(r.exitCode).not.toBe(0);
    expect(readlinkSync(currentLink(installDir))).toBe('releases/v1');
  });
});
