/**
 * The numbers module as the SIP side sees it: which source addresses are IP-authenticated
 * trunks (fed to the SIP service's `config.trunks`), and the routing of a call that came in over
 * a trunk: tenant by called number, then the number's rules (src/numbers/router.ts).
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../kernel/logger.js';
import { NumbersRepo } from '../storage/repositories/numbers-repo.js';
import { TrunksRepo } from '../storage/repositories/trunks-repo.js';
import type { Database, TrunksTable } from '../storage/schema.js';
import { canonicalIp, cidrContains, expandCidr, parseCidr } from './cidr.js';
import { DEFAULT_COUNTRY, tryNormalizeNumber } from './e164.js';
import { type OutboundPlan, pickOutboundTrunk, planOutbound } from './outbound.js';
import { missingLeadAccessIds, planOf, route } from './router.js';
import type { RouteDecision } from './types.js';

/** Structurally the SIP service's TrunkAddress. */
export interface TrunkSource {
  host: string;
  port?: number;
  tenantId?: string;
}

/** CIDR ranges bigger than this many addresses cannot be handed to the SIP service (exact-address matching). */
export const MAX_EXPANDED = 256;

/**
 * Source addresses of enabled inbound IP-authenticated trunks. A trunk without allowedSources is
 * reached from its own host:port (host must be an IP); listed sources match any port; CIDR
 * ranges up to /24 are expanded to their addresses. An address two tenants' trunks share gets
 * no tenant (the called number decides).
 */
export function trunkSources(trunks: TrunksTable[], log?: Logger): TrunkSource[] {
  const byKey = new Map<string, { host: string; port?: number; tenants: Set<string> }>();
  const add = (host: string, port: number | undefined, tenantId: string) => {
    const key = `${host}|${port ?? '*'}`;
    const e = byKey.get(key) ?? { host, ...(port !== undefined ? { port } : {}), tenants: new Set<string>() };
    e.tenants.add(tenantId);
    byKey.set(key, e);
  };
  for (const t of trunks) {
    if (t.enabled !== 1 || t.direction === 'outbound' || t.inbound_auth !== 'ip') continue;
    const sources = JSON.parse(t.allowed_sources) as string[];
    if (sources.length === 0) {
      if (parseCidr(t.host)) add(canonicalIp(t.host), t.port, t.tenant_id);
      continue;
    }
    for (const s of sources) {
      const c = parseCidr(s);
      if (!c) continue;
      const hosts = expandCidr(c, MAX_EXPANDED);
      if (!hosts) {
        log?.warn({ trunkId: t.id, source: s }, 'trunk source range too large for the SIP service; ignored');
        continue;
      }
      for (const h of hosts) add(h, undefined, t.tenant_id);
    }
  }
  return [...byKey.values()].map((e) => ({
    host: e.host,
    ...(e.port !== undefined ? { port: e.port } : {}),
    ...(e.tenants.size === 1 ? { tenantId: [...e.tenants][0]! } : {}),
  }));
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
  /** Tenant of the trunk the call came from, when the source address belongs to one tenant only. */
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

/** Routes trunk calls from the database. Keeps the enabled trunks in memory (refresh() on change). */
export class DbNumberRouting {
  #trunks: TrunksTable[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log?: Logger,
  ) {}

  /** Reloads trunks; returns the source addresses for the SIP service. */
  async refresh(): Promise<TrunkSource[]> {
    this.#trunks = await new TrunksRepo(this.db).allEnabled();
    return trunkSources(this.#trunks, this.log);
  }

  /** The trunk a call came from: by id (digest trunks), else by source address within the tenant. */
  #trunkOf(
    ip: string,
    port: number,
    tenantId: string | undefined,
    trunkId: string | undefined,
  ): TrunksTable | undefined {
    if (trunkId) return this.#trunks.find((x) => x.id === trunkId);
    const mine = this.#trunks.filter((x) => tenantId === undefined || x.tenant_id === tenantId);
    return (
      mine.find((x) => canonicalIp(x.host) === ip && x.port === port) ??
      mine.find((x) =>
        (JSON.parse(x.allowed_sources) as string[]).some((s) => {
          const c = parseCidr(s);
          return c !== undefined && cidrContains(c, ip);
        }),
      )
    );
  }

  /** How a phone of `tenantId` reaches an outside number: the tenant's outbound trunk, or undefined. */
  outbound(tenantId: string, dialled: string): OutboundPlan | undefined {
    const trunk = pickOutboundTrunk(this.#trunks, tenantId);
    return trunk ? planOutbound(trunk, dialled) : undefined;
  }

  async route(call: TrunkCall): Promise<TrunkCallDecision> {
    const trunk = this.#trunkOf(call.sourceIp, call.sourcePort, call.trunkTenantId, call.trunkId);
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
    // a trunk of one tenant never reaches another tenant's numbers
    if (!calledRow || (call.trunkTenantId !== undefined && calledRow.tenantId !== call.trunkTenantId))
      return empty;
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
