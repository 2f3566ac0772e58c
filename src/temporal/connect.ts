import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError } from '../config.ts';
import type { TemporalConnectionOptions } from './connection-options.ts';

/** What a failed TLS handshake means, by the words of the worker's connection (rustls), and the variable to look at. */
const TLS_CAUSES: [RegExp, (where: string, o: TemporalConnectionOptions) => string][] = [
  [
    /UnknownIssuer|BadSignature|certificate verify failed/i,
    (where, o) =>
      `TEMPORAL_TLS_CA_PATH: the certificate of ${where} is not signed by ${o.tls?.serverRootCACertificate ? 'this CA' : "the system's roots (set TEMPORAL_TLS_CA_PATH)"}`,
  ],
  [/NotValidForName|certificate is not valid for/i, (where) => `TEMPORAL_TLS_SERVER_NAME: the certificate of ${where} is not valid for that name`],
  [
    /CertificateRequired|BadCertificate|UnknownCA|certificate required/i,
    (where, o) =>
      `TEMPORAL_TLS_CERT_PATH: ${where} refused ${o.tls?.clientCertPair ? 'this client certificate' : 'a connection without a client certificate (mTLS)'}`,
  ],
  [
    /InvalidContentType|CorruptMessage|wrong version number|unexpected EOF|HTTP\/2|frame/i,
    (where, o) =>
      o.tls
        ? `TEMPORAL_TLS: ${where} does not speak TLS (TEMPORAL_TLS=off?)`
        : `TEMPORAL_TLS: ${where} may want TLS (set TEMPORAL_TLS_CA_PATH or TEMPORAL_TLS=on)`,
  ],
];

/**
 * The client's and the worker's connections to Temporal. The worker's
 * (native) one connects first: it fails at once with the handshake's own
 * reason, which becomes an error naming the variable to fix, where the
 * client's would wait out its deadline and say only that it failed.
 */
export async function connectTemporal(address: string, options: TemporalConnectionOptions): Promise<{ connection: Connection; native: NativeConnection }> {
  const reach = { address, ...options };
  const native = await NativeConnection.connect(reach).catch((err: Error) => {
    const where = `the Temporal frontend at ${address}`;
    const cause = TLS_CAUSES.find(([pattern]) => pattern.test(err.message));
    throw new ConfigError([`${cause ? cause[1](where, options) : `TEMPORAL_ADDRESS: cannot reach ${where}${unreachableHint(options)}`} (${err.message})`]);
  });
  try {
    return { connection: await Connection.connect(reach), native };
  } catch (err) {
    await native.close().catch(() => undefined);
    throw err;
  }
}

/** A closed connection says little; what the settings make likely. */
function unreachableHint(o: TemporalConnectionOptions): string {
  if (!o.tls) return '; if it serves TLS, set TEMPORAL_TLS_CA_PATH or TEMPORAL_TLS=on';
  if (o.tls.clientCertPair) return '; or it refused the client certificate of TEMPORAL_TLS_CERT_PATH (mTLS: is it signed by a CA the frontend trusts?)';
  // In TLS 1.3 a frontend that requires a client certificate says so after the handshake;
  // a client already sending may see only the connection closed, not the alert.
  return '; if it requires a client certificate (mTLS), set TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH';
}
