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
export const incomingArchive = (l: ReleaseLayout) => `${releasesDir(l.installDir)}/.incoming/${l.version}.tar.gz`;
export const currentLink = (installDir: string) => `${installDir}/current`;

export function prepareDirsCommand(l: ReleaseLayout): string[] {
  return ['mkdir', '-p', `${releasesDir(l.installDir)}/.incoming`];
}

export function checksumCommand(l: ReleaseLayout): string[] {
  return ['sha256sum', incomingArchive(l)];
}

/** `sha256sum` prints `<hex>  <path>`. */
export function parseChecksum(stdout: string): string | undefined {
  return /^([a-f0-9]{64})\s/.exec(stdout.trim())?.[1];
}

/** Unpacks into a temporary dir and renames it, so a release dir is always complete. */
export function unpackCommands(l: ReleaseLayout): string[][] {
  const target = releaseDir(l);
  const tmp = `${target}.unpacking`;
  return [
    ['rm', '-rf', tmp],
    ['mkdir', '-p', tmp],
    ['tar', '-xzf', incomingArchive(l), '-C', tmp],
    ['rm', '-rf', target],
    ['mv', '-T', tmp, target],
    ['rm', '-f', incomingArchive(l)],
  ];
}

export function releaseExistsCommand(l: ReleaseLayout): string[] {
  return ['test', '-d', releaseDir(l)];
}

/** Prints the release `current` points at (e.g. `releases/v1`), or fails when there is none. */
export function readCurrentCommand(installDir: string): string[] {
  return ['readlink', currentLink(installDir)];
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
export function activateCommands(l: ReleaseLayout): string[][] {
  const next = `${currentLink(l.installDir)}.next`;
  return [
    ['ln', '-sfn', `releases/${l.version}`, next],
    ['mv', '-T', next, currentLink(l.installDir)],
  ];
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
