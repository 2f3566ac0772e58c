/**
 * The release layout on a host, as argv arrays (commands are data; only the
 * RemoteHost adapter runs them):
 *
 *   <installDir>/releases/<version>/   unpacked artifact
 *   <installDir>/releases/.incoming/   uploads being verified
 *   <installDir>/current -> releases/<version>
 */
export interface ReleaseLayout {
  installDir: string;
  version: string;
}

export const releasesDir = (installDir: string) => `${installDir}/releases`;
export const releaseDir = (l: ReleaseLayout) => `${releasesDir(l.installDir)}/${l.version}`;
/** Where a release is unpacked before it is renamed into place. */
export const unpackingDir = (l: ReleaseLayout) => `${releaseDir(l)}.unpacking`;
export const incomingDir = (l: ReleaseLayout) => `${releasesDir(l.installDir)}/.incoming`;
export const incomingArchive = (l: ReleaseLayout) => `${incomingDir(l)}/${l.version}.tar.gz`;
export const currentLink = (installDir: string) => `${installDir}/current`;

/*
 * Each step runs as one `sh -c SCRIPT NAME ARG...` exec instead of one exec
 * per command: every exec costs a round trip and an sshd session fork (≈10 ms),
 * so stage takes 3 round trips (inspect, upload, verify + unpack) and activate
 * 1. The scripts are constants; request data (paths, version, checksum) only
 * reaches them as positional parameters, always double-quoted, and the
 * adapter shell-quotes every argv element, so data stays data.
 */

/** Prints `current=<link target>` (empty when there is none) and `release=present|absent`, then makes the upload dir. */
const INSPECT_AND_PREPARE_SCRIPT = [
  'set -eu',
  'current_link="$1" release_dir="$2" incoming_dir="$3"',
  'current=$(readlink "$current_link") || current=',
  'if [ -d "$release_dir" ]; then release=present; else release=absent; fi',
  'printf "current=%s\\nrelease=%s\\n" "$current" "$release"',
  'mkdir -p "$incoming_dir"',
].join('; ');

export function inspectAndPrepareCommand(l: ReleaseLayout): string[] {
  return ['sh', '-c', INSPECT_AND_PREPARE_SCRIPT, 'vesemir-stage-inspect', currentLink(l.installDir), releaseDir(l), incomingDir(l)];
}

export interface HostInspection {
  /** What `current` points at, e.g. `releases/v1`; undefined on a first deploy. */
  currentTarget: string | undefined;
  releaseExists: boolean;
}

export function parseInspection(stdout: string): HostInspection {
  const lines = stdout.split('\n');
  const current = lines.find((line) => line.startsWith('current='))?.slice('current='.length);
  return { currentTarget: current || undefined, releaseExists: lines.includes('release=present') };
}

/** EX_DATAERR from sysexits.h: no command in the unpack script exits with it. */
export const CHECKSUM_MISMATCH_EXIT = 65;

/**
 * Refuses to unpack an archive whose sha256 is not the expected one; else
 * unpacks into a temporary dir and renames it, so a release dir is always
 * complete, and removes the archive.
 */
const VERIFY_AND_UNPACK_SCRIPT = [
  'set -eu',
  'archive="$1" expected="$2" target="$3" tmp="$4"',
  'sum=$(sha256sum "$archive")',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion (the sum before the file name)
  'actual="${sum%% *}"',
  `if [ "$actual" != "$expected" ]; then echo "uploaded artifact has sha256 $actual, expected $expected" >&2; exit ${CHECKSUM_MISMATCH_EXIT}; fi`,
  'rm -rf "$tmp"',
  'mkdir -p "$tmp"',
  'tar -xzf "$archive" -C "$tmp"',
  'rm -rf "$target"',
  'mv -T "$tmp" "$target"',
  'rm -f "$archive"',
].join('; ');

export function verifyAndUnpackCommand(l: ReleaseLayout, expectedSha256: string): string[] {
  if (!/^[a-f0-9]{64}$/.test(expectedSha256)) throw new Error(`expected sha256 must be 64 lowercase hex digits, got '${expectedSha256}'`);
  return ['sh', '-c', VERIFY_AND_UNPACK_SCRIPT, 'vesemir-stage-unpack', incomingArchive(l), expectedSha256, releaseDir(l), unpackingDir(l)];
}

/** The actual sum from the unpack script's stderr after a CHECKSUM_MISMATCH_EXIT. */
export function parseActualChecksum(stderr: string): string | undefined {
  return /uploaded artifact has sha256 ([a-f0-9]{64})\b/.exec(stderr)?.[1];
}

/** `releases/v1` or an absolute path → `v1`. */
export function versionFromLink(target: string): string | undefined {
  const match = /(?:^|\/)releases\/([^/]+)\/?$/.exec(target.trim());
  return match?.[1];
}

/**
 * Switches `current` atomically: a new link is made beside it and renamed
 * over it (rename(2) is atomic; `ln -sfn` alone is unlink + symlink).
 */
const ACTIVATE_SCRIPT = 'set -eu; ln -sfn "$1" "$2" && mv -T "$2" "$3"';

export function activateCommand(l: ReleaseLayout): string[] {
  const link = currentLink(l.installDir);
  return ['sh', '-c', ACTIVATE_SCRIPT, 'vesemir-activate', `releases/${l.version}`, `${link}.next`, link];
}

export function listReleasesCommand(installDir: string): string[] {
  return ['ls', '-1t', releasesDir(installDir)];
}

/**
 * Releases to delete: all but the newest `keep` (listed newest first), never
 * the ones in `protect` (current and the previous one, for rollback).
 */
export function releasesToPrune(listedNewestFirst: string[], keep: number, protect: string[]): string[] {
  const releases = listedNewestFirst.filter((name) => name && !name.startsWith('.') && !name.endsWith('.unpacking'));
  const kept = new Set(protect);
  for (const name of releases) {
    if (kept.size >= Math.max(keep, protect.length)) break;
    kept.add(name);
  }
  return releases.filter((name) => !kept.has(name));
}

export function removeReleasesCommand(installDir: string, versions: string[]): string[] {
  return ['rm', '-rf', '--', ...versions.map((v) => `${releasesDir(installDir)}/${v}`)];
}
