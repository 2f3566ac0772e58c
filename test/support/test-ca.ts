import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  cert: string;
  key: string;
}

/**
 * A throwaway certificate authority made with openssl: a self-signed CA and
 * the certificates it issues (a server's for 127.0.0.1/localhost, a client's).
 * Paths, so the product reads them as an operator's files.
 */
export function makeTestCa(name = 'vesemir-test-ca') {
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca-key.pem') };
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
  );

  const issue = (cn: string, extensions: string): Issued => {
    const key = join(dir, `${cn}-key.pem`);
    const csr = join(dir, `${cn}.csr`);
    const cert = join(dir, `${cn}.pem`);
    const ext = join(dir, `${cn}.ext`);
    writeFileSync(ext, extensions);
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${cn}`, '-keyout', key, '-out', csr);
    openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert);
    return { cert, key };
  };
  return {
    dir,
    ca,
    server: () => issue('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'),
    client: (cn = 'vesemir-worker') => issue(cn, 'extendedKeyUsage=clientAuth\n'),
    read: (path: string) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
