import { readFileSync, statSync } from 'node:fs';
import { type KnownHosts, parseKnownHosts } from './known-hosts.ts';

/**
 * A known_hosts file that is read again when it changes, so that pinning the
 * key of a newly created VM (appending its line) needs no restart. Reading is
 * per lookup and cheap: a stat, and a parse only when the mtime or size moved.
 */
export function knownHostsFile(path: string): KnownHosts {
  let stamp = '';
  let current: KnownHosts = parseKnownHosts('');
  const fresh = (): KnownHosts => {
    const s = statSync(path);
    const next = `${s.mtimeMs}:${s.size}`;
    if (next !== stamp) {
      current = parseKnownHosts(readFileSync(path, 'utf8'));
      stamp = next;
    }
    return current;
  };
  fresh();
  return {
    fingerprintsFor: (address, port) => fresh().fingerprintsFor(address, port),
    keysFor: (address, port) => fresh().keysFor(address, port),
    isRevoked: (address, port, fingerprint) => fresh().isRevoked(address, port, fingerprint),
  };
}
