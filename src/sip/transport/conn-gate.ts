/**
 * Admission of accepted stream/WebSocket connections: a cap per source address, a global cap,
 * and a rate-limited log line when a cap refuses someone. Checked on the raw socket, before any
 * TLS or WebSocket handshake, so a handshake that never finishes still holds (and is bounded
 * by) a slot. Everything is O(1) per connection: one map lookup and two counters.
 *
 * A connection that carries a live registration is *exempt* from the per-address cap (it
 * authenticated with digest, and a NAT with hundreds of registered phones is one address);
 * it still counts toward the global cap, which bounds file descriptors.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { SipConnectionStats } from './conn-stats.js';
import { normalizeAddress } from './flow.js';
import type { SipTransportKind } from './types.js';

export interface AcceptedConn {
  /** Per-address key: the IPv4 address, or the /64 prefix of an IPv6 address. */
  readonly key: string;
  readonly address: string;
  readonly kind: SipTransportKind;
  /** Dropped on release, so a queued deadline does not keep a closed socket alive. */
  socket: Socket | undefined;
  /** Monotonic ms by which the first complete SIP message must arrive; undefined once it did. */
  firstMessageBy: number | undefined;
  /** True while a registration holds the connection: not counted per address. */
  exempt: boolean;
  released: boolean;
}

export interface GateOptions {
  clock: Clock;
  logger: Logger;
  stats: SipConnectionStats;
  maxPerAddress: number;
  maxTotal: number;
  firstMessageTimeoutMs: number;
  /** One log line per source (and one for the global cap) per window. Default 60 s. */
  logWindowMs?: number;
}

interface LogBucket {
  windowStart: number;
  suppressed: number;
}

/** Bounded memory for the per-source log limiter (the oldest source is forgotten). */
const MAX_LOG_SOURCES = 10_000;

export class ConnectionGate {
  readonly #o: GateOptions;
  readonly #perKey = new Map<string, number>();
  readonly #logged = new Map<string, LogBucket>();
  readonly #window: number;

  constructor(o: GateOptions) {
    this.#o = o;
    this.#window = o.logWindowMs ?? 60_000;
  }

  /** Connections from `key` counted toward its cap now. */
  countOf(key: string): number {
    return this.#perKey.get(key) ?? 0;
  }

  /** Admit a freshly accepted socket, or destroy it and return undefined when a cap is reached. */
  admit(socket: Socket, kind: SipTransportKind): AcceptedConn | undefined {
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const key = addressKey(address);
    const stats = this.#o.stats;
    const n = this.#perKey.get(key) ?? 0;
    if (stats.accepted >= this.#o.maxTotal) {
      stats.refused.global++;
      this.#log('*', { source: address, transport: kind, limit: this.#o.maxTotal }, 'global');
      socket.destroy();
      return undefined;
    }
    if (n >= this.#o.maxPerAddress) {
      stats.refused.per_address++;
      this.#log(key, { source: address, transport: kind, limit: this.#o.maxPerAddress }, 'per-address');
      socket.destroy();
      return undefined;
    }
    this.#perKey.set(key, n + 1);
    stats.accepted++;
    return {
      key,
      address,
      kind,
      socket,
      firstMessageBy: this.#o.clock.monotonic() + this.#o.firstMessageTimeoutMs,
      exempt: false,
      released: false,
    };
  }

  /** The socket closed: give its slots back (idempotent). */
  release(c: AcceptedConn): void {
    if (c.released) return;
    c.released = true;
    c.socket = undefined;
    this.#o.stats.accepted--;
    if (!c.exempt) this.#dec(c.key);
  }

  /** A registration started (true) or ended (false) holding this connection. */
  setExempt(c: AcceptedConn, exempt: boolean): void {
    if (c.released || c.exempt === exempt) return;
    c.exempt = exempt;
    if (exempt) this.#dec(c.key);
    else this.#perKey.set(c.key, (this.#perKey.get(c.key) ?? 0) + 1);
  }

  #dec(key: string): void {
    const n = (this.#perKey.get(key) ?? 1) - 1;
    if (n <= 0) this.#perKey.delete(key);
    else this.#perKey.set(key, n);
  }

  /** One warn line per source per window; the next one says how many were suppressed. */
  #log(key: string, fields: Record<string, unknown>, cap: 'global' | 'per-address'): void {
    const now = this.#o.clock.monotonic();
    const b = this.#logged.get(key);
    if (b && now - b.windowStart < this.#window) {
      b.suppressed++;
      return;
    }
    if (!b && this.#logged.size >= MAX_LOG_SOURCES) {
      const first = this.#logged.keys().next().value;
      if (first !== undefined) this.#logged.delete(first);
    }
    const suppressed = b?.suppressed ?? 0;
    this.#logged.delete(key);
    this.#logged.set(key, { windowStart: now, suppressed: 0 });
    this.#o.logger.warn(
      { ...fields, cap, ...(suppressed > 0 ? { suppressed } : {}) },
      'sip connection refused: connection cap reached',
    );
  }
}

/**
 * The unit a per-address cap applies to: an IPv4 address, or the /64 of an IPv6 address
 * (one IPv6 host usually owns a whole /64, so a per-/128 cap would not hold it back).
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const zone = address.indexOf('%');
  const a = zone < 0 ? address : address.slice(0, zone);
  const dbl = a.indexOf('::');
  let groups: string[];
  if (dbl < 0) groups = a.split(':');
  else {
    const head = dbl === 0 ? [] : a.slice(0, dbl).split(':');
    const tail = dbl + 2 >= a.length ? [] : a.slice(dbl + 2).split(':');
    // an embedded IPv4 tail (::ffff:1.2.3.4 style) takes two groups
    const tailGroups =
      tail.length > 0 && tail[tail.length - 1]!.includes('.') ? tail.length + 1 : tail.length;
    groups = [...head, ...new Array<string>(Math.max(0, 8 - head.length - tailGroups)).fill('0'), ...tail];
  }
  const prefix = groups.slice(0, 4).map((g) => (g === '' ? '0' : g.replace(/^0+(?=.)/, '')));
  while (prefix.length < 4) prefix.push('0');
  return `${prefix.join(':')}::/64`;
}
