import { accessSync, constants } from 'node:fs';

/**
 * Finds a peer's executable or fails loudly. Tests never skip for a missing
 * peer: `.ci/run` installs them all, so a missing one is a broken machine.
 */
export function requireExecutable(name: string, candidates: string[]): string {
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  throw new Error(`peer '${name}' not found (looked in ${candidates.join(', ')}); run scripts/install-deps.sh`);
}
