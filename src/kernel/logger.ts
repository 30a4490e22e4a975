import { type Logger, pino } from 'pino';

export type { Logger };

/** Fields never logged in clear: credentials and personal data. */
const REDACT = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? 'switchboard',
    level: opts.level ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}

/** A logger that writes nothing: for tests and pure modules. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Per-call child logger: every line carries callId and tenantId. */
export function callLogger(parent: Logger, tenantId: string, callId: string): Logger {
  return parent.child({ tenantId, callId });
}
