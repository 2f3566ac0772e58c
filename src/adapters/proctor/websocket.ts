import WebSocket from 'ws';

export interface ReadTextOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Keep only the last N messages. */
  keep: number;
}

/**
 * Reads a WebSocket that only talks (Proctor's job logs): resolves with the
 * last `keep` text messages once the server closes the stream, also when it
 * hangs up without a closing frame, since it said what it had.
 */
export function readTextMessages(url: URL, options: ReadTextOptions): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const messages: string[] = [];
    const socket = new WebSocket(url.href.replace(/^http/, 'ws'), { headers: options.headers });
    const abort = () => {
      socket.terminate();
      reject(options.signal.reason);
    };
    if (options.signal.aborted) return abort();
    options.signal.addEventListener('abort', abort, { once: true });
    socket.on('unexpected-response', (_req, res) => {
      socket.terminate();
      reject(new Error(`HTTP ${res.statusCode} instead of a WebSocket`));
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      messages.push(data.toString());
      if (messages.length > options.keep) messages.shift();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      options.signal.removeEventListener('abort', abort);
      resolve(messages);
    });
  });
}
