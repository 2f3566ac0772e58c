import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Fingerprint } from '../../src/adapters/ssh/known-hosts.ts';
import { knownHostsFile } from '../../src/adapters/ssh/known-hosts-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'vesemir-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blob = (seed: string) => Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, seed)]);
const line = (host: string, seed: string) => `${host} ssh-ed25519 ${blob(seed).toString('base64')}\n`;

describe('knownHostsFile', () => {
  it('sees a host appended after it was opened, without a restart', () => {
    const path = join(dir, 'known_hosts');
    writeFileSync(path, line('[127.0.0.5]:2222', 'a'));
    const known = knownHostsFile(path);
    expect(known.fingerprintsFor('127.0.0.5', 2222)).toEqual([sha256Fingerprint(blob('a'))]);
    expect(known.fingerprintsFor('127.0.0.6', 2222)).toEqual([]);
    appendFileSync(path, line('[127.0.0.6]:2222', 'b'));
    expect(known.fingerprintsFor('127.0.0.6', 2222)).toEqual([sha256Fingerprint(blob('b'))]);
    expect(known.fingerprintsFor('127.0.0.5', 2222)).toEqual([sha256Fingerprint(blob('a'))]);
  });
});
