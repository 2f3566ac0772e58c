import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptKey } from '../../src/adapters/proctor/websocket.ts';

/**
 * Proctor's `GET /jobs/logs?job_name=<execution>` on the runner: a WebSocket
 * on which every log line is a text message, then a normal closure ("All logs
 * are read"), as proctord's logs handler streams a job's pod log. An unknown
 * execution gets no line and a closure saying so.
 */
export function streamLogs(req: IncomingMessage, socket: Duplex, linesOf: (executionName: string) => string[] | undefined): void {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  socket.write(
    ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(key)}`, '', ''].join('\r\n'),
  );
  socket.resume(); // what the client sends (its closing frame) needs no reading, but its end must be seen
  const name = new URL(req.url ?? '/', 'http://runner').searchParams.get('job_name') ?? '';
  const lines = linesOf(name);
  for (const line of lines ?? []) socket.write(frame(0x1, Buffer.from(line)));
  const reason = Buffer.from(lines ? 'All logs are read' : 'No logs found');
  socket.end(frame(0x8, Buffer.concat([Buffer.from([0x03, 0xe8]), reason]))); // 1000: normal closure
}

/** A server's frame: unmasked, FIN set; lengths past 125 take the 16-bit form. */
function frame(opcode: number, payload: Buffer): Buffer {
  const head =
    payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}
