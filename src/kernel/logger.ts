import type { Writable } from 'node:stream';
import { type DestinationStream, type Logger, pino } from 'pino';
import { PinoPretty } from 'pino-pretty';

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

/** `log.format` in the config schema. */
export type LogFormat = 'auto' | 'pretty' | 'json';

/**
 * What a logger writes: short human lines for a person at a terminal, JSON (one object a line)
 * for anything that reads logs by machine — a pipe, a file, journald, a log shipper. `auto`
 * decides by whether the output is a terminal, so `npm start` reads well and
 * `npm start | tee log.json` or a systemd unit still get JSON without a setting.
 */
export function chooseLogFormat(format: LogFormat, isTty: boolean): 'pretty' | 'json' {
  if (format === 'auto') return isTty ? 'pretty' : 'json';
  return format;
}

export interface LoggerOptions {
  level?: string;
  name?: string;
  format?: LogFormat;
  /** Where lines go; default stdout. */
  destination?: Writable;
  /** Whether the destination is a terminal; default from process.stdout. */
  isTty?: boolean;
}

function prettyStream(destination: Writable | undefined, colour: boolean): DestinationStream {
  return PinoPretty({
    // synchronous, in this thread: a fatal line must be out before process.exit(), and a
    // transport worker would be one more thread to tear down on the way out
    sync: true,
    colorize: colour,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name,module',
    messageFormat: '{if module}{module}: {end}{msg}',
    ...(destination ? { destination } : {}),
  });
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const isTty = opts.isTty ?? process.stdout.isTTY === true;
  const options = {
    name: opts.name ?? 'switchboard',
    level: opts.level ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (chooseLogFormat(opts.format ?? 'json', isTty) === 'pretty') {
    return pino(options, prettyStream(opts.destination, isTty));
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that writes nothing: for tests and pure modules. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Per-call child logger: every line carries callId and tenantId. */
export function callLogger(parent: Logger, tenantId: string, callId: string): Logger {
  return parent.child({ tenantId, callId });
}
