/**
 * Toll-fraud policy for phones calling out over a trunk: the account's class of service, then
 * per-account and per-tenant limits on concurrent trunk calls and on trunk calls per minute.
 * Asked by the inbound router before any trunk leg exists; a refusal is logged with the source,
 * published as a `security.*` event and counted.
 *
 * SIP answers (see docs/security.md#toll-fraud-class-of-service-and-outbound-limits):
 * - 403 (SWB_CALL_CLASS_FORBIDDEN) when the class of service forbids the destination, the number
 *   starts with a prefix on the tenant's deny list, or the authenticated account is unknown:
 *   policy, retrying will not help;
 * - 503 (SWB_CALL_LIMIT) when a limit is reached: the same call succeeds once a call ends or the
 *   minute has passed, and 503 is what the trunk's own capacity limit already answers.
 *
 * The store lookups happen before any check; checks and takes then run without an await in
 * between, so parallel INVITEs cannot slip past a limit (the event loop serialises them).
 */
import type { Clock } from '../kernel/clock.js';
import type { EventBus } from '../kernel/domain-events.js';
import { ERROR_CODES, type ErrorCode } from '../kernel/error-codes.js';
import type { Logger } from '../kernel/logger.js';
import { TrunkCallLimiter } from '../sip/trunk/call-limiter.js';
import { SlidingWindowLimiter } from '../sip/trunk/rate-limiter.js';
import { type ClassOfService, type Destination, permits } from './class-of-service.js';

/** An account's outbound settings as stored; null limits take the configured default. */
export interface AccountOutboundSettings {
  classOfService: ClassOfService;
  maxConcurrentOutbound: number | null;
  maxOutboundPerMinute: number | null;
}

export interface TenantOutboundSettings {
  maxConcurrentOutbound: number | null;
  maxOutboundPerMinute: number | null;
  /** E.164 prefixes no phone of the tenant may dial, whatever its class (not emergency). */
  denyPrefixes?: string[] | undefined;
}

/** Implemented by src/storage/sip-ports.ts (DbOutboundPolicyStore). */
export interface OutboundPolicyStore {
  account(tenantId: string, username: string): Promise<AccountOutboundSettings | undefined>;
  tenant(tenantId: string): Promise<TenantOutboundSettings | undefined>;
}

/** config.outboundPolicy. */
export interface OutboundLimitDefaults {
  accountMaxConcurrent: number;
  accountMaxPerMinute: number;
  tenantMaxConcurrent: number;
  tenantMaxPerMinute: number;
}

export type LimitReason = 'account-concurrent' | 'account-rate' | 'tenant-concurrent' | 'tenant-rate';
export type BlockReason = 'class-of-service' | 'denied-prefix' | 'no-account' | LimitReason;

export interface OutboundCall {
  tenantId: string;
  /** The digest-authenticated SIP username (leg.identity.assertedUser), never the From. */
  account: string | undefined;
  number: string;
  destination: Destination;
  source: { remoteAddress: string; remotePort: number };
}

export type OutboundAdmission =
  | { ok: true; release: () => void }
  | { ok: false; status: number; code: ErrorCode; reason: BlockReason };

/** `+8613800138000` → `+861******8000`: enough to tell calls apart in a log, not to dial. */
export function maskNumber(n: string): string {
  if (n.length <= 8) return n.replace(/.(?=.{2})/g, '*');
  return n.slice(0, 4) + '*'.repeat(n.length - 8) + n.slice(-4);
}

export class OutboundPolicy {
  readonly #concurrent = new TrunkCallLimiter();
  readonly #rate: SlidingWindowLimiter;

  constructor(
    private readonly deps: {
      store: OutboundPolicyStore;
      defaults: OutboundLimitDefaults;
      clock: Clock;
      logger: Logger;
      bus?: EventBus | undefined;
      /** Told of every refusal (the composition root counts them in Prometheus). */
      onBlocked?: ((reason: BlockReason) => void) | undefined;
    },
  ) {
    this.#rate = new SlidingWindowLimiter(deps.clock, 60_000);
  }

  /** Trunk calls in progress for an account or tenant (for tests and diagnostics). */
  active(tenantId: string, account?: string): number {
    return this.#concurrent.active(
      account === undefined ? tenantKey(tenantId) : accountKey(tenantId, account),
    );
  }

  async admit(call: OutboundCall): Promise<OutboundAdmission> {
    // emergency calls pass every class and every limit (see class-of-service.ts)
    if (call.destination === 'emergency') {
      this.deps.logger.warn(
        { tenantId: call.tenantId, account: call.account, number: call.number, source: src(call) },
        'emergency call over the trunk',
      );
      return { ok: true, release: () => {} };
    }
    const [acct, tenant] = await Promise.all([
      call.account === undefined ? undefined : this.deps.store.account(call.tenantId, call.account),
      this.deps.store.tenant(call.tenantId),
    ]);
    if (!acct) return this.#blocked(call, 'no-account');
    if (!permits(acct.classOfService, call.destination)) {
      return this.#blocked(call, 'class-of-service', { classOfService: acct.classOfService });
    }
    const denied = tenant?.denyPrefixes?.find((p) => call.number.startsWith(p));
    if (denied) return this.#blocked(call, 'denied-prefix', { prefix: denied });
    const d = this.deps.defaults;
    const aKey = accountKey(call.tenantId, call.account!);
    const tKey = tenantKey(call.tenantId);
    const aConc = acct.maxConcurrentOutbound ?? d.accountMaxConcurrent;
    const aRate = acct.maxOutboundPerMinute ?? d.accountMaxPerMinute;
    const tConc = tenant?.maxConcurrentOutbound ?? d.tenantMaxConcurrent;
    const tRate = tenant?.maxOutboundPerMinute ?? d.tenantMaxPerMinute;
    // no await from here on: check everything, then take everything
    if (this.#concurrent.active(aKey) >= aConc) return this.#limit(call, 'account-concurrent', aConc);
    if (this.#rate.count(aKey) >= aRate) return this.#limit(call, 'account-rate', aRate);
    if (this.#concurrent.active(tKey) >= tConc) return this.#limit(call, 'tenant-concurrent', tConc);
    if (this.#rate.count(tKey) >= tRate) return this.#limit(call, 'tenant-rate', tRate);
    this.#rate.take(aKey, aRate);
    this.#rate.take(tKey, tRate);
    const ra = this.#concurrent.acquire(aKey, aConc)!;
    const rt = this.#concurrent.acquire(tKey, tConc)!;
    return {
      ok: true,
      release: () => {
        ra();
        rt();
      },
    };
  }

  #limit(call: OutboundCall, reason: LimitReason, max: number): OutboundAdmission {
    const at = this.deps.clock.now();
    this.deps.logger.warn(
      {
        tenantId: call.tenantId,
        account: call.account,
        number: maskNumber(call.number),
        reason,
        max,
        source: src(call),
        code: 'SWB_CALL_LIMIT',
      },
      'outbound call limit reached',
    );
    this.deps.bus?.safeEmit('security.limit_exceeded', {
      tenantId: call.tenantId,
      account: call.account ?? null,
      number: call.number,
      reason,
      max,
      sourceIp: call.source.remoteAddress,
      at,
    });
    this.deps.onBlocked?.(reason);
    return { ok: false, status: ERROR_CODES.SWB_CALL_LIMIT.sip, code: 'SWB_CALL_LIMIT', reason };
  }

  #blocked(
    call: OutboundCall,
    reason: 'class-of-service' | 'denied-prefix' | 'no-account',
    extra: Record<string, unknown> = {},
  ): OutboundAdmission {
    const at = this.deps.clock.now();
    this.deps.logger.warn(
      {
        tenantId: call.tenantId,
        account: call.account,
        number: maskNumber(call.number),
        destination: call.destination,
        reason,
        source: src(call),
        code: 'SWB_CALL_CLASS_FORBIDDEN',
        ...extra,
      },
      'outbound call blocked by policy',
    );
    this.deps.bus?.safeEmit('security.call_blocked', {
      tenantId: call.tenantId,
      account: call.account ?? null,
      number: call.number,
      destination: call.destination,
      reason,
      sourceIp: call.source.remoteAddress,
      at,
    });
    this.deps.onBlocked?.(reason);
    return {
      ok: false,
      status: ERROR_CODES.SWB_CALL_CLASS_FORBIDDEN.sip,
      code: 'SWB_CALL_CLASS_FORBIDDEN',
      reason,
    };
  }
}

const accountKey = (tenantId: string, account: string) => `a|${tenantId}|${account}`;
const tenantKey = (tenantId: string) => `t|${tenantId}`;
const src = (c: OutboundCall) => `${c.source.remoteAddress}:${c.source.remotePort}`;
