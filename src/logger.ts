import { pino, type Logger } from 'pino';

/** JSON lines on stdout; secrets are redacted wherever they might appear. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'vesemir', ...base },
    redact: { paths: ['*.privateKey', '*.privateKeyPem', '*.password', 'req.headers.authorization', '*.token'], censor: '[redacted]' },
  });
}
