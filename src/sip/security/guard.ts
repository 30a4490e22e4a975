/**
 * Source guard (issue 5 item 8): per source IP, a request rate limit (token bucket) and a
 * temporary ban after N failed authentications within a window (svcrack) or too many
 * requests (flooding/scanning). In memory and driven by the injected clock. Optionally
 * drops requests whose User-Agent matches a scanner pattern (off by default).
 */
import type { Clock } from '../../kernel/clock.js';
import { getHeader, type SipRequest } from '../message.js';
import type { AuthFailureSink } from '../registrar/authenticator.js';
import type { SourceGuard } from '../stack.js';
import type { TxSource } from '../transaction/types.js';

export interface GuardOptions {
  clock: Clock;
  /** Failed auths from one IP within `failWindowMs` that trigger a ban (default 5). */
  maxFailures?: number;
  failWindowMs?: number;
  banMs?: number;
  /** Sustained requests per second per IP (default 200) and burst (default 400). */
  ratePerSecond?: number;
  burst?: number;
  /**
   * Requests never limited or dropped for a ban: a trunk's own traffic (its exact address:port and
   * a trunk-shaped request). Only `allow()` consults it: failed authentications and challenged
   * requests always count, since trunk traffic is never challenged.
   */
  trusted?: (src: TxSource, req: SipRequest) => boolean;
  /**
   * Scanning: unauthenticated requests answered with a challenge or a rejection (401/403/404)
   * from one IP within `scanWindowMs` before a ban (default 100 per 60 s). A registered phone
   * needs one challenge per REGISTER/INVITE, so this only trips on enumeration (svwar, svmap -m).
   */
  maxScanHits?: number;
  scanWindowMs?: number;
  /** Drop requests whose User-Agent matches (e.g. /friendly-scanner|sipvicious/i). */
  blockUserAgents?: RegExp;
  /** Ban (and drop) sources whose User-Agent matches: known scanners (svmap's friendly-scanner). */
  banUserAgents?: RegExp;
  onBan?: (ip: string, why: string) => void;
}

interface Entry {
  tokens: number;
  lastRefill: number;
  failures: number[];
  scans: number[];
  bannedUntil: number;
  seen: number;
}

export class SecurityGuard implements SourceGuard, AuthFailureSink {
  readonly #o: GuardOptions;
  readonly #ips = new Map<string, Entry>();
  dropped = 0;

  constructor(opts: GuardOptions) {
    this.#o = opts;
  }

  #entry(ip: string): Entry {
    let e = this.#ips.get(ip);
    if (!e) {
      e = {
        tokens: this.#o.burst ?? 400,
        lastRefill: this.#o.clock.monotonic(),
        failures: [],
        scans: [],
        bannedUntil: 0,
        seen: 0,
      };
      this.#ips.set(ip, e);
      if (this.#ips.size > 100_000) this.#sweep();
    }
    return e;
  }

  isBanned(ip: string): boolean {
    const e = this.#ips.get(ip);
    return e !== undefined && e.bannedUntil > this.#o.clock.monotonic();
  }

  ban(ip: string, why: string): void {
    const e = this.#entry(ip);
    e.bannedUntil = this.#o.clock.monotonic() + (this.#o.banMs ?? 300_000);
    e.failures = [];
    this.#o.onBan?.(ip, why);
  }

  allow(src: TxSource, req: SipRequest): boolean {
    const ip = src.remoteAddress;
    if (this.#o.trusted?.(src, req)) return true;
    const now = this.#o.clock.monotonic();
    const e = this.#entry(ip);
    e.seen = now;
    if (e.bannedUntil > now) return this.#drop();
    if (this.#o.blockUserAgents || this.#o.banUserAgents) {
      const ua = getHeader(req, 'User-Agent') ?? '';
      if (this.#o.banUserAgents?.test(ua)) {
        this.ban(ip, 'scanner-user-agent');
        return this.#drop();
      }
      if (this.#o.blockUserAgents?.test(ua)) return this.#drop();
    }
    const rate = this.#o.ratePerSecond ?? 200;
    const burst = this.#o.burst ?? 400;
    e.tokens = Math.min(burst, e.tokens + ((now - e.lastRefill) * rate) / 1000);
    e.lastRefill = now;
    if (e.tokens < 1) {
      this.ban(ip, 'rate');
      return this.#drop();
    }
    e.tokens -= 1;
    return true;
  }

  authFailed(src: TxSource): void {
    const ip = src.remoteAddress;
    const now = this.#o.clock.monotonic();
    const e = this.#entry(ip);
    const win = this.#o.failWindowMs ?? 60_000;
    e.failures = e.failures.filter((t) => now - t < win);
    e.failures.push(now);
    if (e.failures.length >= (this.#o.maxFailures ?? 5)) this.ban(ip, 'auth-failures');
  }

  authSucceeded(src: TxSource): void {
    const e = this.#ips.get(src.remoteAddress);
    if (e) {
      e.failures = [];
      e.scans = [];
    }
  }

  /** A request from this source was challenged or rejected without valid credentials. */
  scanHit(src: TxSource): void {
    const ip = src.remoteAddress;
    const now = this.#o.clock.monotonic();
    const e = this.#entry(ip);
    const win = this.#o.scanWindowMs ?? 60_000;
    e.scans = e.scans.filter((t) => now - t < win);
    e.scans.push(now);
    if (e.scans.length >= (this.#o.maxScanHits ?? 100)) {
      e.scans = [];
      this.ban(ip, 'scanning');
    }
  }

  #drop(): false {
    this.dropped++;
    return false;
  }

  #sweep(): void {
    const now = this.#o.clock.monotonic();
    for (const [ip, e] of this.#ips) if (e.bannedUntil < now && now - e.seen > 600_000) this.#ips.delete(ip);
  }
}
