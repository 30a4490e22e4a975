/**
 * Malformed-input policy: a per-source budget for answering malformed messages (beyond it
 * they are dropped silently), rate-limited logging (one line per source per window with the
 * count of suppressed ones), and salvage of enough headers to answer an unparseable request.
 */
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import { newTag } from '../headers/ids.js';
import {
  canonicalKey,
  createResponse,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from '../message.js';

interface Bucket {
  windowStart: number;
  count: number;
  logged: boolean;
  suppressed: number;
}

const MAX_SOURCES = 10_000;

export class MalformedGuard {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #burst: number;
  readonly #windowMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(clock: Clock, logger: Logger, burst: number, windowMs: number) {
    this.#clock = clock;
    this.#logger = logger;
    this.#burst = burst;
    this.#windowMs = windowMs;
  }

  /** Records one malformed message from `source`; returns true while it may still be answered. */
  hit(source: string, reason: string): boolean {
    const now = this.#clock.monotonic();
    let b = this.#buckets.get(source);
    if (!b || now - b.windowStart >= this.#windowMs) {
      if (b && b.suppressed > 0) {
        this.#logger.info({ source, suppressed: b.suppressed }, 'sip: malformed messages suppressed');
      }
      if (!b && this.#buckets.size >= MAX_SOURCES) {
        // bounded memory: forget the oldest source
        const first = this.#buckets.keys().next().value;
        if (first !== undefined) this.#buckets.delete(first);
      }
      b = { windowStart: now, count: 0, logged: false, suppressed: 0 };
      this.#buckets.delete(source);
      this.#buckets.set(source, b);
    }
    b.count++;
    if (!b.logged) {
      b.logged = true;
      this.#logger.info({ source, reason }, 'sip: malformed message');
    } else {
      b.suppressed++;
    }
    return b.count <= this.#burst;
  }

  get size(): number {
    return this.#buckets.size;
  }
}

const NEEDED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/**
 * Build a stateless error response to a request that failed to parse, from whatever headers
 * can be read line by line. Undefined when the start line is not a request, the request is an
 * ACK, or a needed header is missing (then the message is dropped).
 */
export function salvageResponse(buf: Buffer, status: number, reason?: string): SipResponse | undefined {
  const end = buf.indexOf('\r\n\r\n');
  const head = buf.toString('utf8', 0, end < 0 ? Math.min(buf.length, 65_536) : end);
  const lines = head.split('\r\n');
  const start = lines[0] ?? '';
  const method = start.split(' ')[0] ?? '';
  if (start.startsWith('SIP/') || method === 'ACK' || !/^[A-Za-z0-9\-.!%*_+`'~]+ /.test(start))
    return undefined;
  const headers: SipHeader[] = [];
  const seen = new Set<string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = canonicalKey(line.slice(0, colon).trim());
    if (!(NEEDED as readonly string[]).includes(key)) continue;
    if (key !== 'via' && seen.has(key)) continue;
    const value = line.slice(colon + 1).trim();
    if (value === '' || /[\0\r\n]/.test(value)) continue;
    seen.add(key);
    headers.push({ name: line.slice(0, colon).trim(), value });
  }
  for (const k of NEEDED) if (!seen.has(k)) return undefined;
  const fake: SipRequest = {
    type: 'request',
    method,
    uri: '',
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
  return createResponse(fake, status, { toTag: newTag(), ...(reason ? { reason } : {}) });
}
