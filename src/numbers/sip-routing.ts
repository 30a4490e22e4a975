/**
 * The numbers module as the SIP side sees it: which source addresses are IP-authenticated
 * trunks (fed to the SIP service's `config.trunks`), and the routing of a call that came in over
 * a trunk: tenant by called number, then the number's rules (src/numbers/router.ts).
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../kernel/logger.js';
import { getHeader, type SipRequest } from '../sip/message.js';
import { parseUriLite, uriOfNameAddr } from '../sip/transaction/util.js';
import { NumbersRepo } from '../storage/repositories/numbers-repo.js';
import { TrunksRepo } from '../storage/repositories/trunks-repo.js';
import type { Database, TrunksTable } from '../storage/schema.js';
import { type Cidr, parseCidr } from './cidr.js';
import { DEFAULT_COUNTRY, tryNormalizeNumber } from './e164.js';
import { type OutboundPlan, pickOutboundTrunk, planOutbound } from './outbound.js';
import { missingLeadAccessIds, planOf, route } from './router.js';
import { TrustedSourceIndex } from './trunk-sources.js';
import type { RouteDecision } from './types.js';

/** Structurally the SIP service's TrunkAddress: the trunk traffic a request belongs to. */
export interface TrunkSource {
  host: string;
  port?: number;
  /** Set when one tenant's trunks trust the source. */
  tenantId?: string;
  /** Every tenant whose trunks trust the source (several only where the operator approved sharing). */
  tenantIds: string[];
}

function hostOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    return parseUriLite(uri).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** What the SIP side knows of an inbound trunk call. */
export interface TrunkCall {
  /** Request-URI user part. */
  calledUser: string;
  /** Users of To, Diversion and History-Info: where the 400 number the caller dialled may be. */
  originalUsers: string[];
  /** From (or P-Asserted-Identity) user part. */
  callerUser: string | undefined;
  sourceIp: string;
  sourcePort: number;
  /**
   * Tenant of the identity the call came with (a digest trunk, or the SIP service's trunk match).
   * The call is routed only to a number of a tenant whose trunk trusts the source (or of this one).
   */
  trunkTenantId: string | undefined;
  /** The trunk, when the call authenticated as one (digest trunks). */
  trunkId?: string | undefined;
  now: number;
}

export interface TrunkCallDecision extends RouteDecision {
  calledNumber: string | null;
  callerNumber: string | null;
  /** The tenant's SIP domain (where `user:` entry points register). */
  sipDomain: string | null;
  /** The trunk the call came over (for its concurrent-call limit). */
  trunkId: string | null;
  maxConcurrentCalls: number | null;
}

/**
 * Routes trunk calls from the database. Keeps the enabled trunks, the operator's approvals and the
 * tenants' SIP domains in memory (refresh() on change): trunkOf() runs for every SIP request.
 */
export class DbNumberRouting {
  #trunks: TrunksTable[] = [];
  #index = new TrustedSourceIndex([], new Map());
  #domains = new Map<string, string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log?: Logger,
  ) {}

  /** Reloads trunks, approvals and domains; returns how many sources are trusted. */
  async refresh(): Promise<number> {
    const trunks = await new TrunksRepo(this.db).allEnabled();
    const approvals = new Map<string, Cidr[]>();
    for (const a of await this.db
      .selectFrom('trunk_source_approvals')
      .select(['tenant_id', 'cidr'])
      .execute()) {
      const c = parseCidr(a.cidr);
      if (c) approvals.set(a.tenant_id, [...(approvals.get(a.tenant_id) ?? []), c]);
    }
    const tenants = await this.db
      .selectFrom('tenants')
      .select(['id', 'sip_domain'])
      .where('sip_domain', 'is not', null)
      .execute();
    this.#trunks = trunks;
    this.#index = new TrustedSourceIndex(trunks, approvals, (t, source) =>
      this.log?.warn(
        { trunkId: t.id, tenantId: t.tenant_id, source },
        'trunk source is a range without an operator approval; not trusted',
      ),
    );
    this.#domains = new Map(tenants.map((t) => [t.sip_domain!.toLowerCase(), t.id]));
    return this.#index.size;
  }

  /**
   * The trunk traffic a request is, or undefined: its source address **and** port must be trusted
   * by a trunk, and an INVITE addressed (Request-URI or To) to the SIP domain of a tenant that
   * does not trust the source is that tenant's phone traffic, which must authenticate.
   */
  trunkOf(src: { remoteAddress: string; remotePort: number }, req: SipRequest): TrunkSource | undefined {
    const m = this.#index.lookup(src.remoteAddress, src.remotePort);
    if (!m) return undefined;
    if (req.method === 'INVITE') {
      for (const host of [hostOf(req.uri), hostOf(uriOfNameAddr(getHeader(req, 'To') ?? ''))]) {
        const owner = host ? this.#domains.get(host) : undefined;
        if (owner && !m.tenantIds.includes(owner)) return undefined;
      }
    }
    return {
      host: src.remoteAddress,
      port: src.remotePort,
      tenantIds: m.tenantIds,
      ...(m.tenantIds.length === 1 ? { tenantId: m.tenantIds[0]! } : {}),
    };
  }

  /** The trunks a call may have come over: by id (digest trunks), else those trusting the source. */
  #candidates(call: TrunkCall): TrunksTable[] {
    if (call.trunkId) return this.#trunks.filter((x) => x.id === call.trunkId);
    const m = this.#index.lookup(call.sourceIp, call.sourcePort);
    const all = m?.trunks ?? [];
    return call.trunkTenantId === undefined ? all : all.filter((t) => t.tenant_id === call.trunkTenantId);
  }

  /** How a phone of `tenantId` reaches an outside number: the tenant's outbound trunk, or undefined. */
  outbound(tenantId: string, dialled: string): OutboundPlan | undefined {
    const trunk = pickOutboundTrunk(this.#trunks, tenantId);
    return trunk ? planOutbound(trunk, dialled) : undefined;
  }

  async route(call: TrunkCall): Promise<TrunkCallDecision> {
    const candidates = this.#candidates(call);
    let trunk = candidates[0];
    const opts = { defaultCountry: trunk?.country_code ?? DEFAULT_COUNTRY };
    const called = tryNormalizeNumber(call.calledUser, opts);
    const caller = call.callerUser ? tryNormalizeNumber(call.callerUser, opts) : undefined;
    const originals = call.originalUsers
      .map((u) => tryNormalizeNumber(u, opts))
      .filter((n): n is string => n !== undefined && n !== called);
    const empty: TrunkCallDecision = {
      entryPoint: null,
      ruleId: null,
      reason: 'unknown-number',
      tenantId: null,
      calledNumberId: null,
      servedNumberId: null,
      servedNumber: null,
      trace: [`${call.calledUser} is not a number of ours`],
      calledNumber: called ?? null,
      callerNumber: caller ?? null,
      sipDomain: null,
      trunkId: trunk?.id ?? null,
      maxConcurrentCalls: trunk?.max_concurrent ?? null,
    };
    if (!called) return empty;
    const repo = new NumbersRepo(this.db);
    const [calledRow] = await repo.planNumbers([called]);
    // a trunk reaches only the numbers of its own tenant; a source trusted by no trunk, none
    trunk = candidates.find((t) => t.tenant_id === calledRow?.tenantId);
    if (!calledRow || !trunk) return { ...empty, trunkId: null, maxConcurrentCalls: null };
    const tenant = await this.db
      .selectFrom('tenants')
      .select(['time_zone', 'sip_domain', 'status'])
      .where('id', '=', calledRow.tenantId)
      .executeTakeFirst();
    if (tenant?.status !== 'active') return empty;
    const others = originals.length > 0 ? await repo.planNumbers(originals, calledRow.tenantId) : [];
    const leads = await repo.planNumbersByIds(calledRow.tenantId, missingLeadAccessIds([calledRow]));
    const plan = planOf([calledRow, ...others, ...leads]);
    const original = originals.find((o) => {
      const n = plan.byNumber(o);
      return n !== undefined && (n.kind === '400' || n.kind === '800');
    });
    const d = route({
      calledNumber: called,
      originalCalledNumber: original,
      callerNumber: caller,
      now: call.now,
      timeZone: tenant.time_zone,
      plan,
    });
    return {
      ...d,
      calledNumber: called,
      callerNumber: caller ?? null,
      sipDomain: tenant.sip_domain,
      trunkId: trunk?.id ?? null,
      maxConcurrentCalls: trunk?.max_concurrent ?? null,
    };
  }
}
