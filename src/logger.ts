import { AsyncLocalStorage } from 'node:async_hooks';
import { type DestinationStream, type Logger, pino } from 'pino';

/** What an activity's log lines carry: set once per activity execution (see metrics/activity-interceptor.ts). */
export interface LogFields {
  deploymentId?: string;
  host?: string;
  step?: string;
  vm?: string;
  activity?: string;
}

const context = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` with `fields` added to every line any logger from createLogger
 * writes inside it, including the Temporal SDK's lines forwarded through
 * temporal/runtime.ts: adapters deep in an activity log with the
 * deployment, host and step without being handed a child logger.
 */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

export function currentLogFields(): LogFields {
  return context.getStore() ?? {};
}

/** A child for one step of one host, for code that prefers an explicit logger. */
export function stepLogger(logger: Logger, fields: { deploymentId: string; host: string; step: string }): Logger {
  return logger.child(fields);
}

/**
 * JSON lines on stdout (or `destination`: a test's capture stream, the demo's
 * log file); secrets are redacted wherever they might appear. Lines meant for
 * a person (the banner, the demo's progress) go to stderr instead, so
 * redirecting stdout keeps them on the terminal.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'vesemir', ...base },
    redact: { paths: ['*.privateKey', '*.privateKeyPem', '*.password', 'req.headers.authorization', '*.token'], censor: '[redacted]' },
    mixin: contextMixin,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Adds the context's fields, minus those the line or a child's bindings already carry (no duplicate keys). */
function contextMixin(line: object, _level: number, logger: Logger): object {
  const fields = context.getStore();
  if (!fields) return {};
  const bindings = logger.bindings();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && !(key in line) && !(key in bindings)) out[key] = value;
  }
  return out;
}
