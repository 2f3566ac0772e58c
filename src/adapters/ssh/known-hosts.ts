import { createHash, createHmac } from 'node:crypto';

/**
 * OpenSSH known_hosts, reduced to what host-key pinning needs: for an address
 * and port, the SHA256 fingerprints of the keys the host may present (the
 * same strings `ssh-keygen -l -E sha256` prints) and the key types, so the
 * client only negotiates algorithms it can verify.
 *
 * Understood: plain and `[addr]:port` patterns, comma lists, `*`/`?`
 * wildcards, `!` negation, hashed `|1|salt|hash` entries and `@revoked`.
 * `@cert-authority` lines are ignored (no certificate support).
 */
export interface KnownHostKey {
  keyType: string;
  fingerprint: string;
}

interface Entry extends KnownHostKey {
  revoked: boolean;
  matches(hostPattern: string): boolean;
}

export interface KnownHosts {
  /** Pinned (non-revoked) fingerprints for the host, in file order. */
  fingerprintsFor(address: string, port: number): string[];
  /** Pinned keys (type + fingerprint) for the host. */
  keysFor(address: string, port: number): KnownHostKey[];
  /** True when the fingerprint is marked `@revoked` for this host (or for any host). */
  isRevoked(address: string, port: number, fingerprint: string): boolean;
}

/** `SHA256:<base64 without padding>` of a key blob, as OpenSSH prints it. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The name known_hosts uses for a host: bare on port 22, `[addr]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHosts {
  const entries = text.split(/\r?\n/).flatMap((line, index) => parseLine(line, index + 1));
  const matching = (address: string, port: number) => {
    const name = knownHostsName(address, port);
    return entries.filter((e) => e.matches(name));
  };
  return {
    fingerprintsFor: (address, port) =>
      matching(address, port)
        .filter((e) => !e.revoked)
        .map((e) => e.fingerprint),
    keysFor: (address, port) =>
      matching(address, port)
        .filter((e) => !e.revoked)
        .map(({ keyType, fingerprint }) => ({ keyType, fingerprint })),
    isRevoked: (address, port, fingerprint) => matching(address, port).some((e) => e.revoked && e.fingerprint === fingerprint),
  };
}

function parseLine(raw: string, lineNumber: number): Entry[] {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return [];
  const fields = line.split(/\s+/);
  let marker: string | undefined;
  if (fields[0]?.startsWith('@')) marker = fields.shift();
  if (marker === '@cert-authority') return [];
  if (marker !== undefined && marker !== '@revoked') {
    throw new Error(`known_hosts line ${lineNumber}: unknown marker ${marker}`);
  }
  const [hosts, keyType, keyBase64] = fields;
  if (!hosts || !keyType || !keyBase64) throw new Error(`known_hosts line ${lineNumber}: expected "hosts keytype key"`);
  const blob = Buffer.from(keyBase64, 'base64');
  if (blob.length === 0) throw new Error(`known_hosts line ${lineNumber}: empty key`);
  return [
    {
      keyType,
      fingerprint: sha256Fingerprint(blob),
      revoked: marker === '@revoked',
      matches: hostMatcher(hosts),
    },
  ];
}

/** OpenSSH semantics: a negated pattern that matches wins over any positive one. */
function hostMatcher(hosts: string): (name: string) => boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return () => false;
    const key = Buffer.from(salt, 'base64');
    return (name) => createHmac('sha1', key).update(name).digest('base64') === hash;
  }
  const patterns = hosts.split(',').filter(Boolean);
  return (name) => {
    let matched = false;
    for (const pattern of patterns) {
      const negated = pattern.startsWith('!');
      if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
      if (negated) return false;
      matched = true;
    }
    return matched;
  };
}

function globMatch(pattern: string, name: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}
