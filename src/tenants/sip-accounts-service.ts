import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { type ClassOfService, isClassOfService } from '../numbers/class-of-service.js';
import { computeHa1 } from '../sip/registrar/digest-auth.js';
import { type DigestSetting, isDigestSetting } from '../sip/registrar/digest-policy.js';
import { decodeCursor, type Page, type PageRequest, toPage } from '../storage/page.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { UsersRepo } from '../storage/repositories/users-repo.js';
import type { SipAccountsTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from './audit.js';
import { requirePermission } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import { iso } from './types.js';

/** What phones, softphones and browser agents register with: `username@<tenant SIP domain>`. */
export interface SipAccount {
  id: string;
  tenantId: string;
  username: string;
  userId: string | null;
  domain: string;
  enabled: boolean;
  /** False when the tenant's SIP domain changed since the password was set (set it again). */
  usable: boolean;
  /** Which outside numbers the phone may dial over the trunk (docs/security.md#toll-fraud-class-of-service-and-outbound-limits). */
  classOfService: ClassOfService;
  /** Limits on outbound trunk calls; null = the configured default (config.outboundPolicy). */
  maxConcurrentOutbound: number | null;
  maxOutboundPerMinute: number | null;
  /** Digest algorithms this account is challenged with; null = the tenant's SIP settings. */
  digest: DigestSetting | null;
  /** May put another user than its own in From (a PBX behind it); false = From must be `username`. */
  presentAnyIdentity: boolean;
  createdAt: string;
  updatedAt: string;
}

function toAccount(r: SipAccountsTable, domain: string | null): SipAccount {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    username: r.username,
    userId: r.user_id,
    domain: r.realm,
    enabled: r.enabled === 1,
    usable: r.enabled === 1 && domain !== null && r.realm === domain,
    // a value another version wrote that we do not know is read as the narrowest class
    classOfService: isClassOfService(r.class_of_service) ? r.class_of_service : 'internal',
    maxConcurrentOutbound: r.max_concurrent_outbound,
    maxOutboundPerMinute: r.max_outbound_per_minute,
    digest: isDigestSetting(r.digest) ? r.digest : null,
    presentAnyIdentity: r.present_any_identity === 1,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** The account's outbound policy as the API sets it (validated by the route schema). */
export interface OutboundInput {
  classOfService?: ClassOfService | undefined;
  maxConcurrentOutbound?: number | null | undefined;
  maxOutboundPerMinute?: number | null | undefined;
}

/** Per-tenant SIP settings (tenants.sip_digest). */
export interface SipSettings {
  /** Digest algorithms the tenant's accounts are challenged with; null = config sip.digest. */
  digest: DigestSetting | null;
}

export class SipAccountsService {
  constructor(private readonly deps: TenantsDeps) {}

  async #domain(tenantId: string): Promise<string | null> {
    return (await new TenantsRepo(this.deps.db).byId(tenantId))?.sip_domain ?? null;
  }

  async #load(ctx: RequestContext, id: string): Promise<SipAccountsTable> {
    const row = await this.deps.db
      .selectFrom('sip_accounts')
      .selectAll()
      .where('tenant_id', '=', ctx.principal.tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'SIP account' });
    return row;
  }

  async #checkUser(ctx: RequestContext, userId: string | null | undefined): Promise<void> {
    if (!userId) return;
    if (!(await new UsersRepo(this.deps.db).byId(ctx.principal.tenantId, userId))) {
      throw new SwbError('SWB_VALIDATION', { field: 'userId', reason: 'no such user in this tenant' });
    }
  }

  async list(ctx: RequestContext, page: PageRequest, f: { q?: string }): Promise<Page<SipAccount>> {
    requirePermission(ctx.principal, 'config:manage');
    let qb = this.deps.db
      .selectFrom('sip_accounts')
      .selectAll()
      .where('tenant_id', '=', ctx.principal.tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (f.q) qb = qb.where('username', 'like', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    const domain = await this.#domain(ctx.principal.tenantId);
    return toPage(rows, page.limit, (r) => toAccount(r, domain));
  }

  async get(ctx: RequestContext, id: string): Promise<SipAccount> {
    requirePermission(ctx.principal, 'config:manage');
    return toAccount(await this.#load(ctx, id), await this.#domain(ctx.principal.tenantId));
  }

  async create(
    ctx: RequestContext,
    input: {
      username: string;
      password: string;
      userId?: string | undefined;
      digest?: DigestSetting | null | undefined;
      presentAnyIdentity?: boolean | undefined;
    } & OutboundInput,
  ): Promise<SipAccount> {
    requirePermission(ctx.principal, 'config:manage');
    const tenantId = ctx.principal.tenantId;
    const domain = await this.#domain(tenantId);
    if (!domain) {
      throw new SwbError('SWB_VALIDATION', { field: 'username', reason: 'the tenant has no SIP domain yet' });
    }
    await this.#checkUser(ctx, input.userId);
    const now = this.deps.clock.now();
    const row: SipAccountsTable = {
      id: newId('sipAccount'),
      tenant_id: tenantId,
      username: input.username,
      user_id: input.userId ?? null,
      realm: domain,
      ha1_md5: computeHa1('MD5', input.username, domain, input.password),
      ha1_sha256: computeHa1('SHA-256', input.username, domain, input.password),
      enabled: 1,
      // national by default: international dialling is opened per account, deliberately
      class_of_service: input.classOfService ?? 'national',
      max_concurrent_outbound: input.maxConcurrentOutbound ?? null,
      max_outbound_per_minute: input.maxOutboundPerMinute ?? null,
      digest: input.digest ?? null,
      present_any_identity: input.presentAnyIdentity ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      const dup = await trx
        .selectFrom('sip_accounts')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('username', '=', input.username)
        .executeTakeFirst();
      if (dup) throw new SwbError('SWB_CONFLICT', { resource: 'SIP username' });
      await trx.insertInto('sip_accounts').values(row).execute();
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'create',
        resourceType: 'sip_account',
        resourceId: row.id,
        after: toAccount(row, domain),
      });
    });
    return toAccount(row, domain);
  }

  async update(
    ctx: RequestContext,
    id: string,
    input: {
      password?: string | undefined;
      enabled?: boolean | undefined;
      userId?: string | null | undefined;
      digest?: DigestSetting | null | undefined;
      presentAnyIdentity?: boolean | undefined;
    } & OutboundInput,
  ): Promise<SipAccount> {
    requirePermission(ctx.principal, 'config:manage');
    const before = await this.#load(ctx, id);
    await this.#checkUser(ctx, input.userId);
    const domain = await this.#domain(ctx.principal.tenantId);
    const now = this.deps.clock.now();
    const row: SipAccountsTable = {
      ...before,
      enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0,
      user_id: input.userId === undefined ? before.user_id : input.userId,
      class_of_service: input.classOfService ?? before.class_of_service,
      max_concurrent_outbound:
        input.maxConcurrentOutbound === undefined
          ? before.max_concurrent_outbound
          : input.maxConcurrentOutbound,
      max_outbound_per_minute:
        input.maxOutboundPerMinute === undefined
          ? before.max_outbound_per_minute
          : input.maxOutboundPerMinute,
      updated_at: now,
    };
    if (input.digest !== undefined) row.digest = input.digest;
    if (input.presentAnyIdentity !== undefined) row.present_any_identity = input.presentAnyIdentity ? 1 : 0;
    if (input.password) {
      if (!domain)
        throw new SwbError('SWB_VALIDATION', { field: 'password', reason: 'the tenant has no SIP domain' });
      row.realm = domain;
      row.ha1_md5 = computeHa1('MD5', row.username, domain, input.password);
      row.ha1_sha256 = computeHa1('SHA-256', row.username, domain, input.password);
    }
    await auditedTransaction(this.deps, async (trx) => {
      await trx
        .updateTable('sip_accounts')
        .set(row)
        .where('tenant_id', '=', row.tenant_id)
        .where('id', '=', id)
        .execute();
      const after = toAccount(row, domain) as SipAccount & { passwordChanged?: boolean };
      if (input.password) after.passwordChanged = true;
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'update',
        resourceType: 'sip_account',
        resourceId: id,
        before: toAccount(before, domain),
        after,
      });
    });
    return toAccount(row, domain);
  }

  /** The tenant's SIP settings (what its accounts inherit). */
  async settings(ctx: RequestContext): Promise<SipSettings> {
    requirePermission(ctx.principal, 'config:manage');
    const t = await new TenantsRepo(this.deps.db).byId(ctx.principal.tenantId);
    return { digest: isDigestSetting(t?.sip_digest) ? t.sip_digest : null };
  }

  async updateSettings(ctx: RequestContext, input: { digest?: DigestSetting | null }): Promise<SipSettings> {
    requirePermission(ctx.principal, 'config:manage');
    const tenantId = ctx.principal.tenantId;
    const before = await this.settings(ctx);
    const after: SipSettings = { digest: input.digest === undefined ? before.digest : input.digest };
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      await trx.updateTable('tenants').set({ sip_digest: after.digest }).where('id', '=', tenantId).execute();
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'update',
        resourceType: 'sip_settings',
        resourceId: tenantId,
        before,
        after,
      });
    });
    return after;
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'config:manage');
    const before = await this.#load(ctx, id);
    const domain = await this.#domain(ctx.principal.tenantId);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      await trx
        .deleteFrom('sip_accounts')
        .where('tenant_id', '=', before.tenant_id)
        .where('id', '=', id)
        .execute();
      if (domain) {
        await trx
          .deleteFrom('sip_registrations')
          .where('tenant_id', '=', before.tenant_id)
          .where('aor', '=', `sip:${before.username}@${domain}`.toLowerCase())
          .execute();
      }
      await recordAudit(trx, ctx, now, {
        tenantId: before.tenant_id,
        action: 'delete',
        resourceType: 'sip_account',
        resourceId: id,
        before: toAccount(before, domain),
      });
    });
  }
}
