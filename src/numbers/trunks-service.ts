import { isIP } from 'node:net';
import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { computeHa1 } from '../sip/digest/digest.js';
import type { Page, PageRequest } from '../storage/page.js';
import { NumbersRepo } from '../storage/repositories/numbers-repo.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { TrunkApprovalsRepo } from '../storage/repositories/trunk-approvals-repo.js';
import {
  outboundPasswordContext,
  type TrunkFilter,
  TrunksRepo,
} from '../storage/repositories/trunks-repo.js';
import type { TrunkStatusTable, TrunksTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from '../tenants/audit.js';
import { requirePermission } from '../tenants/authorize.js';
import type { RequestContext, TenantsDeps } from '../tenants/context.js';
import { iso } from '../tenants/types.js';
import { type Cidr, parseCidr } from './cidr.js';
import { normalizeNumber } from './e164.js';
import { approvalCovers, parseTrunkSource, sourcesOf, sourcesOverlap } from './trunk-sources.js';
import type { InboundAuthMode, RegistrationState, TrunkDirection, TrunkTransport } from './types.js';

export interface TrunkInput {
  name?: string | undefined;
  direction?: TrunkDirection | undefined;
  host?: string | undefined;
  port?: number | undefined;
  transport?: TrunkTransport | undefined;
  inboundAuth?: InboundAuthMode | undefined;
  allowedSources?: string[] | undefined;
  inboundUsername?: string | null | undefined;
  inboundPassword?: string | undefined;
  register?: boolean | undefined;
  registerExpires?: number | undefined;
  outboundUsername?: string | null | undefined;
  outboundPassword?: string | undefined;
  fromDomain?: string | null | undefined;
  callerId?: string | null | undefined;
  callerIdPresentation?: 'allowed' | 'restricted' | undefined;
  maxConcurrentCalls?: number | null | undefined;
  countryCode?: string | undefined;
  enabled?: boolean | undefined;
}

export interface Trunk {
  id: string;
  tenantId: string;
  name: string;
  direction: TrunkDirection;
  host: string;
  port: number;
  transport: TrunkTransport;
  inboundAuth: InboundAuthMode;
  allowedSources: string[];
  inboundUsername: string | null;
  hasInboundPassword: boolean;
  register: boolean;
  registerExpires: number;
  outboundUsername: string | null;
  /** The carrier password is stored (it is needed to answer the carrier's challenges) but never returned. */
  hasOutboundPassword: boolean;
  fromDomain: string | null;
  callerId: string | null;
  callerIdPresentation: 'allowed' | 'restricted';
  maxConcurrentCalls: number | null;
  countryCode: string;
  enabled: boolean;
  registration: {
    state: RegistrationState;
    lastCode: number | null;
    lastError: string | null;
    expiresAt: string | null;
    updatedAt: string;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export function toTrunk(r: TrunksTable, s?: TrunkStatusTable): Trunk {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    direction: r.direction,
    host: r.host,
    port: r.port,
    transport: r.transport,
    inboundAuth: r.inbound_auth,
    allowedSources: JSON.parse(r.allowed_sources) as string[],
    inboundUsername: r.inbound_username,
    hasInboundPassword: r.inbound_ha1_md5 !== null,
    register: r.register === 1,
    registerExpires: r.register_expires,
    outboundUsername: r.outbound_username,
    hasOutboundPassword: r.outbound_password !== null,
    fromDomain: r.from_domain,
    callerId: r.caller_id,
    callerIdPresentation: r.caller_id_presentation,
    maxConcurrentCalls: r.max_concurrent,
    countryCode: r.country_code,
    enabled: r.enabled === 1,
    registration:
      r.register === 1
        ? s
          ? {
              state: s.state,
              lastCode: s.last_code,
              lastError: s.last_error,
              expiresAt: iso(s.expires_at),
              updatedAt: iso(s.updated_at)!,
            }
          : {
              state: 'unregistered',
              lastCode: null,
              lastError: null,
              expiresAt: null,
              updatedAt: iso(r.updated_at)!,
            }
        : null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

const HOST_RE =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function bad(field: string, reason: string): never {
  throw new SwbError('SWB_TRUNK_INVALID', { field, reason });
}

/** Checks the combination of settings a trunk ends up with (after a create or a patch). */
function validateTrunk(r: TrunksTable): void {
  if (!HOST_RE.test(r.host) && isIP(r.host) === 0) bad('host', 'not a host name or IP address');
  if (r.from_domain !== null && !HOST_RE.test(r.from_domain) && isIP(r.from_domain) === 0) {
    bad('fromDomain', 'not a domain name or IP address');
  }
  const sources = JSON.parse(r.allowed_sources) as string[];
  for (const s of sources) {
    if (!parseTrunkSource(s)) bad('allowedSources', `${s.slice(0, 64)} is not address:port, an IP or a CIDR`);
  }
  const inbound = r.direction !== 'outbound';
  if (inbound && r.inbound_auth === 'ip' && sources.length === 0 && isIP(r.host) === 0) {
    bad('allowedSources', 'IP authentication needs source addresses (or an IP address as host)');
  }
  if (inbound && r.inbound_auth === 'digest' && (!r.inbound_username || !r.inbound_ha1_md5)) {
    bad('inboundPassword', 'digest authentication needs inboundUsername and inboundPassword');
  }
  if (r.register === 1) {
    if (r.direction === 'inbound')
      bad('register', 'an inbound-only trunk does not register with the carrier');
    if (!r.outbound_username || !r.outbound_password) {
      bad('outboundPassword', 'registration needs outboundUsername and outboundPassword');
    }
  }
  if (!/^[1-9][0-9]{0,2}$/.test(r.country_code)) bad('countryCode', 'country code is 1-3 digits');
}

export class TrunksService {
  constructor(private readonly deps: TenantsDeps) {}

  async #load(ctx: RequestContext, id: string): Promise<TrunksTable> {
    const row = await new TrunksRepo(this.deps.db).byId(ctx.principal.tenantId, id);
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'Trunk' });
    return row;
  }

  async #withStatus(tenantId: string, rows: TrunksTable[]): Promise<Trunk[]> {
    const st = await new TrunksRepo(this.deps.db).status(
      tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toTrunk(r, st.get(r.id)));
  }

  async list(ctx: RequestContext, page: PageRequest, f: TrunkFilter): Promise<Page<Trunk>> {
    requirePermission(ctx.principal, 'config:manage');
    const p = await new TrunksRepo(this.deps.db).list(ctx.principal.tenantId, page, f);
    return { items: await this.#withStatus(ctx.principal.tenantId, p.items), nextCursor: p.nextCursor };
  }

  async get(ctx: RequestContext, id: string): Promise<Trunk> {
    requirePermission(ctx.principal, 'config:manage');
    return (await this.#withStatus(ctx.principal.tenantId, [await this.#load(ctx, id)]))[0]!;
  }

  async #apply(ctx: RequestContext, base: TrunksTable, input: TrunkInput): Promise<TrunksTable> {
    const r: TrunksTable = { ...base };
    if (input.name !== undefined) r.name = input.name;
    if (input.direction !== undefined) r.direction = input.direction;
    if (input.host !== undefined) r.host = input.host.toLowerCase();
    if (input.port !== undefined) r.port = input.port;
    if (input.transport !== undefined) r.transport = input.transport;
    if (input.inboundAuth !== undefined) r.inbound_auth = input.inboundAuth;
    if (input.allowedSources !== undefined) {
      const canonical = input.allowedSources.map((x) => parseTrunkSource(x)?.text ?? x);
      r.allowed_sources = JSON.stringify([...new Set(canonical)]);
    }
    if (input.register !== undefined) r.register = input.register ? 1 : 0;
    if (input.registerExpires !== undefined) r.register_expires = input.registerExpires;
    if (input.outboundUsername !== undefined) r.outbound_username = input.outboundUsername;
    if (input.outboundPassword !== undefined) {
      // sealed before it is stored: the database (and its backups) never hold the carrier password
      if (!this.deps.secrets) throw new SwbError('SWB_INTERNAL', {});
      r.outbound_password = this.deps.secrets.seal(input.outboundPassword, outboundPasswordContext(r.id));
    }
    if (input.fromDomain !== undefined) r.from_domain = input.fromDomain?.toLowerCase() ?? null;
    if (input.callerIdPresentation !== undefined) r.caller_id_presentation = input.callerIdPresentation;
    if (input.maxConcurrentCalls !== undefined) r.max_concurrent = input.maxConcurrentCalls;
    if (input.countryCode !== undefined) r.country_code = input.countryCode;
    if (input.enabled !== undefined) r.enabled = input.enabled ? 1 : 0;
    if (input.callerId !== undefined) {
      r.caller_id =
        input.callerId === null ? null : normalizeNumber(input.callerId, { defaultCountry: r.country_code });
    }
    const userChanged =
      input.inboundUsername !== undefined && input.inboundUsername !== base.inbound_username;
    if (input.inboundUsername !== undefined) r.inbound_username = input.inboundUsername;
    if (input.inboundPassword !== undefined || userChanged) {
      if (input.inboundPassword === undefined || !r.inbound_username) {
        r.inbound_ha1_md5 = null;
        r.inbound_ha1_sha256 = null;
      } else {
        // digest realm = the tenant's SIP domain, as for SIP accounts
        const tenant = await new TenantsRepo(this.deps.db).byId(ctx.principal.tenantId);
        if (!tenant?.sip_domain) bad('inboundPassword', 'the tenant has no SIP domain (the digest realm)');
        r.inbound_ha1_md5 = computeHa1('MD5', r.inbound_username, tenant.sip_domain, input.inboundPassword);
        r.inbound_ha1_sha256 = computeHa1(
          'SHA-256',
          r.inbound_username,
          tenant.sip_domain,
          input.inboundPassword,
        );
      }
    }
    validateTrunk(r);
    await this.#checkSources(r);
    if (r.inbound_auth === 'digest' && r.inbound_username && userChanged) {
      // SIP accounts are looked up first: a trunk sharing a username could never authenticate
      const clash = await this.deps.db
        .selectFrom('sip_accounts')
        .select('id')
        .where('tenant_id', '=', r.tenant_id)
        .where('username', '=', r.inbound_username)
        .executeTakeFirst();
      if (clash) bad('inboundUsername', 'a SIP account of this tenant has this username');
    }
    return r;
  }

  /**
   * What a trunk trusts must be exactly its own (finding 5): an address:port no other tenant's
   * trunk trusts, or a range (or any-port address) inside an approval the platform operator
   * gave this tenant; the operator's approval is also what allows sharing a source.
   */
  async #checkSources(r: TrunksTable): Promise<void> {
    const mine = r.enabled === 1 ? sourcesOf(r) : [];
    if (mine.length === 0) return; // a disabled trunk trusts nothing (checked again when enabled)
    const approved = (await new TrunkApprovalsRepo(this.deps.db).list(r.tenant_id))
      .map((a) => parseCidr(a.cidr))
      .filter((c): c is Cidr => c !== undefined);
    const others = (await new TrunksRepo(this.deps.db).allIpAuthenticated())
      .filter((t) => t.tenant_id !== r.tenant_id)
      .flatMap(sourcesOf);
    for (const s of mine) {
      const ok = approved.some((a) => approvalCovers(a, s));
      if (ok) continue;
      if (s.kind === 'range') throw new SwbError('SWB_TRUNK_SOURCE_NOT_APPROVED', { source: s.text });
      if (others.some((o) => sourcesOverlap(o, s))) {
        throw new SwbError('SWB_TRUNK_SOURCE_CONFLICT', { source: s.text });
      }
    }
  }

  async create(ctx: RequestContext, input: TrunkInput & { name: string; host: string }): Promise<Trunk> {
    requirePermission(ctx.principal, 'config:manage');
    const tenantId = ctx.principal.tenantId;
    const now = this.deps.clock.now();
    const empty: TrunksTable = {
      id: newId('trunk'),
      tenant_id: tenantId,
      name: input.name,
      direction: 'both',
      host: input.host,
      port: 5060,
      transport: 'udp',
      inbound_auth: 'ip',
      allowed_sources: '[]',
      inbound_username: null,
      inbound_ha1_md5: null,
      inbound_ha1_sha256: null,
      register: 0,
      register_expires: 3600,
      outbound_username: null,
      outbound_password: null,
      from_domain: null,
      caller_id: null,
      caller_id_presentation: 'allowed',
      max_concurrent: null,
      country_code: '86',
      enabled: 1,
      created_at: now,
      updated_at: now,
    };
    const row = await this.#apply(ctx, empty, input);
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new TrunksRepo(trx);
      if (await repo.byName(tenantId, row.name))
        throw new SwbError('SWB_CONFLICT', { resource: 'Trunk name' });
      await repo.insert(row);
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'create',
        resourceType: 'trunk',
        resourceId: row.id,
        after: toTrunk(row),
      });
    });
    return toTrunk(row);
  }

  async update(ctx: RequestContext, id: string, input: TrunkInput): Promise<Trunk> {
    requirePermission(ctx.principal, 'config:manage');
    const before = await this.#load(ctx, id);
    const now = this.deps.clock.now();
    const row = await this.#apply(ctx, { ...before, updated_at: now }, input);
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new TrunksRepo(trx);
      if (row.name !== before.name && (await repo.byName(row.tenant_id, row.name))) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Trunk name' });
      }
      await repo.update(row.tenant_id, id, row);
      const after = toTrunk(row) as Trunk & {
        inboundPasswordChanged?: boolean;
        outboundPasswordChanged?: boolean;
      };
      if (input.inboundPassword !== undefined) after.inboundPasswordChanged = true;
      if (input.outboundPassword !== undefined) after.outboundPasswordChanged = true;
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'update',
        resourceType: 'trunk',
        resourceId: id,
        before: toTrunk(before),
        after,
      });
    });
    return this.get(ctx, id);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'config:manage');
    const before = await this.#load(ctx, id);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      const count = await new NumbersRepo(trx).countByTrunk(before.tenant_id, id);
      if (count > 0) throw new SwbError('SWB_TRUNK_IN_USE', { count });
      await new TrunksRepo(trx).delete(before.tenant_id, id);
      await recordAudit(trx, ctx, now, {
        tenantId: before.tenant_id,
        action: 'delete',
        resourceType: 'trunk',
        resourceId: id,
        before: toTrunk(before),
      });
    });
  }
}
