import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ noServer: true });

/**
 * Proctor's `GET /jobs/logs?job_name=<execution>` on the runner: a WebSocket
 * on which every log line is a text message, then a normal closure ("All logs
 * are read"), as proctord's logs handler streams a job's pod log. An unknown
 * execution gets no line and a closure saying so.
 */
export function streamLogs(req: IncomingMessage, socket: Duplex, head: Buffer, linesOf: (executionName: string) => string[] | undefined): void {
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  server.handleUpgrade(req, socket, head, (ws) => {
    const name = new URL(req.url ?? '/', 'http://runner').searchParams.get('job_name') ?? '';
    const lines = linesOf(name);
    for (const line of lines ?? []) ws.send(line);
    ws.close(1000, lines ? 'All logs are read' : 'No logs found');
  });
}
