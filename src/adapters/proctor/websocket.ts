import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * The little of RFC 6455 that reading Proctor's job logs needs (Node 20 has
 * no WebSocket client): open, collect the server's text messages until it
 * closes, close. Nothing is ever sent but the closing frame.
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0x0, text: 0x1, close: 0x8 } as const;

/** The Sec-WebSocket-Accept a server must answer to `key`. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}${GUID}`).digest('base64');
}

export interface ReadTextOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Keep only the last N messages. */
  keep: number;
}

/** Resolves with the last `keep` text messages once the server closes the stream. */
export function readTextMessages(url: URL, options: ReadTextOptions): Promise<string[]> {
  const key = randomBytes(16).toString('base64');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      signal: options.signal,
      agent: false, // a socket of its own: it becomes the WebSocket, or is closed with a refusal

      headers: { ...options.headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      req.destroy();
      reject(new Error(`HTTP ${res.statusCode} instead of a WebSocket`));
    });
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        return reject(new Error('the server did not accept the WebSocket handshake'));
      }
      collect(socket, head, options.keep).then(resolve, reject);
    });
    req.end();
  });
}

function collect(socket: Duplex, head: Buffer, keep: number): Promise<string[]> {
  const messages: string[] = [];
  let buffer = head;
  let partial: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const finish = () => {
      socket.end(frame(OPCODE.close));
      resolve(messages);
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let f = parseFrame(buffer); f; f = parseFrame(buffer)) {
        buffer = buffer.subarray(f.size);
        if (f.opcode === OPCODE.close) return finish();
        if (f.opcode !== OPCODE.text && f.opcode !== OPCODE.continuation) continue; // pings need no answer from a reader this short-lived
        partial.push(f.payload);
        if (!f.fin) continue;
        messages.push(Buffer.concat(partial).toString('utf8'));
        partial = [];
        if (messages.length > keep) messages.shift();
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
    // A server that hangs up without a closing frame still said what it had.
    socket.on('close', () => resolve(messages));
    if (head.length > 0) onData(Buffer.alloc(0));
  });
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took in the buffer. */
  size: number;
}

function parseFrame(b: Buffer): Frame | undefined {
  if (b.length < 2) return undefined;
  const masked = (b[1]! & 0x80) !== 0;
  let length = b[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (b.length < 4) return undefined;
    length = b.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (b.length < 10) return undefined;
    length = Number(b.readBigUInt64BE(2));
    offset = 10;
  }
  const mask = masked ? b.subarray(offset, offset + 4) : undefined;
  if (mask) offset += 4;
  if (b.length < offset + length) return undefined;
  const payload = Buffer.from(b.subarray(offset, offset + length));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload, size: offset + length };
}

/** A client's frame is masked (RFC 6455 5.3); only the empty closing frame is ever sent. */
function frame(opcode: number): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80]), randomBytes(4)]);
}
