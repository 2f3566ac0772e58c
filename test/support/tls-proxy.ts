import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';

/**
 * A TLS front for the plain-gRPC dev server, as a load balancer or the
 * server's own TLS would be: terminates TLS (HTTP/2 by ALPN), optionally
 * demands a client certificate signed by `clientCa` (mTLS), and pipes the
 * bytes to `target`. Counts the handshakes it accepted.
 */
export async function startTlsProxy(options: { target: string; cert: Buffer; key: Buffer; clientCa?: Buffer }) {
  const [host, port] = options.target.split(':') as [string, string];
  const accepted: { authorized: boolean; peer: string | undefined }[] = [];
  const open = new Set<{ destroy(): void }>();
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ALPNProtocols: ['h2'],
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (socket: TLSSocket) => {
      accepted.push({ authorized: socket.authorized, peer: String(socket.getPeerCertificate()?.subject?.CN ?? '') || undefined });
      const upstream = connect(Number(port), host);
      open.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of open) s.destroy();
      }),
  };
}
