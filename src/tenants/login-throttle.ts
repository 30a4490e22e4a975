import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Kysely } from 'kysely';
import type { Clock } from '../kernel/clock.js';
import type { EventBus } from '../kernel/domain-events.js';
import { SwbError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { LoginThrottleRepo, type ThrottleCount } from '../storage/repositories/login-throttle-repo.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { UsersRepo } from '../storage/repositories/users-repo.js';
import type { Database } from '../storage/schema.js';
import type { TenantsDeps } from './context.js';

/**
 * Login throttling (issue 11 findings 2 and 3; design and ASVS mapping in docs/security.md#logins-lock-out-path-normalisation-and-api-keys).
 *
 * Three counters, each changed by one atomic statement when the request **arrives**, before
 * any lookup or hashing, so N parallel guesses are N counts (once a counter is over its limit,
 * further attempts are refused from a read, without counting):
 *  - pair: this account from this source address. `maxFailedLogins` per window, then 429 until
 *    the window ends; a window that reached the limit doubles the next (progressive back-off,
 *    up to `lockoutSeconds`). A stranger's pair is not the owner's pair.
 *  - source: this address across accounts (`sourceMaxFailures`): password spraying.
 *  - account: this account from every address that is not known-good for it
 *    (`accountMaxFailures`): a distributed guesser is capped, while an address the owner logged in
 *    from in the last `knownSourceDays` skips this ceiling and the source one. Nobody can lock
 *    the owner out of an address that already worked.
 * Counters are keyed by what was typed (tenant, username), never by whether the account exists:
 * unknown and existing accounts are throttled identically, so a 429 tells nothing. A login that
 * succeeds gives its counts back.
 */
export interface ThrottleTicket {
  readonly pair: string;
  readonly account: string;
  /** Keys this attempt was counted under (refunded if it succeeds). */
  readonly counted: readonly string[];
}

export function throttleKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

export function accountThrottleKey(tenantSlug: string, username: string): string {
  return throttleKey('account', tenantSlug, username);
}

/**
 * The address a throttle counts: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64,
 * because anyone with one IPv6 address usually holds the whole /64.
 */
export function throttleAddress(ip: string | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export interface LoginThrottleDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  bus?: EventBus;
  auth: TenantsDeps['auth'];
}

export class LoginThrottle {
  readonly #repo: LoginThrottleRepo;
  readonly #windowMs: number;
  readonly #maxWindowMs: number;
  #lastPurge = 0;

  constructor(private readonly deps: LoginThrottleDeps) {
    this.#repo = new LoginThrottleRepo(deps.db);
    this.#windowMs = deps.auth.failureWindowSeconds * 1000;
    this.#maxWindowMs = Math.max(this.#windowMs, deps.auth.lockoutSeconds * 1000);
  }

  /** Counts the attempt; throws SWB_RATE_LIMITED (with retryAfterSeconds) if any counter is over. */
  async admit(tenantSlug: string, username: string, ip: string | null): Promise<ThrottleTicket> {
    const { auth, clock } = this.deps;
    const now = clock.now();
    this.#maybePurge(now);
    const address = throttleAddress(ip);
    const account = accountThrottleKey(tenantSlug, username);
    const pair = throttleKey('pair', tenantSlug, username, address);
    const counted: string[] = [];
    const hit = async (key: string, kind: 'pair' | 'source' | 'account', limit: number, maxMs: number) => {
      // Already over the limit in a running window: answer from a read. Only a shortcut (the
      // atomic hit below decides), but it keeps a flood of blocked attempts from costing one
      // committed write each.
      const seen = await this.#repo.get(key);
      if (seen && seen.count > limit && Number(seen.window_start) + Number(seen.window_ms) > now) {
        const c = {
          count: seen.count,
          windowStart: Number(seen.window_start),
          windowMs: Number(seen.window_ms),
          knownUntil: 0,
        };
        throw limited(c, now);
      }
      const c = await this.#repo.hit({
        key,
        kind,
        account: kind === 'source' ? null : account,
        now,
        baseMs: this.#windowMs,
        maxMs,
        limit,
      });
      counted.push(key);
      return c;
    };
    const p = await hit(pair, 'pair', auth.maxFailedLogins, this.#maxWindowMs);
    if (p.count > auth.maxFailedLogins) throw limited(p, now);
    if (p.knownUntil <= now) {
      const source = throttleKey('source', address);
      const s = await hit(source, 'source', auth.sourceMaxFailures, this.#windowMs);
      if (s.count > auth.sourceMaxFailures) throw limited(s, now);
      const a = await hit(account, 'account', auth.accountMaxFailures, this.#windowMs);
      if (a.count === auth.accountMaxFailures + 1) await this.#tripped(tenantSlug, username, a, now);
      if (a.count > auth.accountMaxFailures) throw limited(a, now);
    }
    return { pair, account, counted };
  }

  /**
   * The password was right: give the counts back and remember the address as known-good. Runs
   * in the caller's transaction (the one that stores the session): one commit for both.
   */
  async succeeded(ticket: ThrottleTicket, trx: Kysely<Database>): Promise<void> {
    const now = this.deps.clock.now();
    const knownUntil = now + this.deps.auth.knownSourceDays * 86_400_000;
    const repo = new LoginThrottleRepo(trx);
    for (const key of ticket.counted)
      await repo.refund(key, now, key === ticket.pair ? knownUntil : undefined);
  }

  async #tripped(tenantSlug: string, username: string, a: ThrottleCount, now: number): Promise<void> {
    // Same statement whether or not the account exists (it matches no row if not): no oracle.
    const until = a.windowStart + a.windowMs;
    const user = await new UsersRepo(this.deps.db).markThrottled(tenantSlug, username, until, a.count);
    if (!user) return;
    this.deps.logger.warn(
      { tenantId: user.tenant_id, userId: user.id, until },
      'login attempts for one account over the ceiling: new addresses throttled',
    );
    this.deps.bus?.safeEmit('auth.locked', { tenantId: user.tenant_id, userId: user.id, until, at: now });
  }

  #maybePurge(now: number): void {
    if (now - this.#lastPurge < 60_000) return;
    this.#lastPurge = now;
    this.#repo
      .purge(now - 2 * this.#maxWindowMs, now)
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'login throttle purge failed'));
  }
}

function limited(c: ThrottleCount, now: number): SwbError {
  const retryAfterSeconds = Math.max(1, Math.ceil((c.windowStart + c.windowMs - now) / 1000));
  return new SwbError('SWB_RATE_LIMITED', { retryAfterSeconds });
}

/** Admin unlock: the login counters of one account, from every address, start afresh. */
export async function clearLoginThrottle(
  db: Kysely<Database>,
  auth: TenantsDeps['auth'],
  tenantId: string,
  username: string,
): Promise<void> {
  const tenant = await new TenantsRepo(db).byId(tenantId);
  if (!tenant) return;
  const key = accountThrottleKey(tenant.slug, username);
  await new LoginThrottleRepo(db).clearAccount(key, auth.failureWindowSeconds * 1000);
}
