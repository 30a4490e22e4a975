import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Page, PageRequest } from '../storage/page.js';
import { RolesRepo } from '../storage/repositories/roles-repo.js';
import { TenantsRepo, toTenant } from '../storage/repositories/tenants-repo.js';
import { UsersRepo } from '../storage/repositories/users-repo.js';
import type { TenantsTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from './audit.js';
import { requirePermission } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import { hashPassword } from './password.js';
import { BUILTIN_ROLES, type BuiltinRole, PLATFORM_ADMIN_ROLE } from './permissions.js';
import type { Principal, Tenant } from './types.js';

export interface CreateTenantInput {
  name: string;
  slug: string;
  timeZone?: string | undefined;
  sipDomain?: string | undefined;
  admin?: { username: string; password: string; displayName?: string | undefined } | undefined;
}

/** The system, or a platform-operator principal holding `perm`: may act on any tenant. */
function operatesTenants(p: Principal, perm: 'tenants:read' | 'tenants:manage'): boolean {
  return p.actorType === 'system' || (p.tenantKind === 'platform' && p.permissions.has(perm));
}

/** Validates and normalises a deny list: international form only (`+…` or `00…`), deduplicated. */
function denyPrefixes(input: string[]): string[] {
  const out: string[] = [];
  for (const p of input) {
    const s = p.replace(/[\s\-.()]/g, '');
    if (!/^(\+|00)[1-9][0-9]{0,14}$/.test(s)) {
      throw new SwbError('SWB_VALIDATION', {
        field: 'outboundDenyPrefixes',
        reason: 'prefixes are written internationally: +<country code>… or 00<country code>…',
      });
    }
    const e164 = s.startsWith('+') ? s : `+${s.slice(2)}`;
    if (!out.includes(e164)) out.push(e164);
  }
  return out;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class TenantsService {
  constructor(private readonly deps: TenantsDeps) {}

  /** Client principals see only their own tenant; others are reported as not found. */
  #visible(ctx: RequestContext, id: string): boolean {
    return operatesTenants(ctx.principal, 'tenants:read') || ctx.principal.tenantId === id;
  }

  async get(ctx: RequestContext, id: string): Promise<Tenant> {
    const row = this.#visible(ctx, id) ? await new TenantsRepo(this.deps.db).byId(id) : undefined;
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
    return toTenant(row);
  }

  async list(
    ctx: RequestContext,
    page: PageRequest,
    filter: { q?: string; status?: string },
  ): Promise<Page<Tenant>> {
    const p = ctx.principal;
    if (operatesTenants(p, 'tenants:read')) {
      return new TenantsRepo(this.deps.db).list(page, filter);
    }
    const own = await new TenantsRepo(this.deps.db).byId(p.tenantId);
    const items = own ? [toTenant(own)] : [];
    const q = filter.q?.toLowerCase();
    return {
      items: items.filter(
        (t) =>
          (!q || t.name.toLowerCase().includes(q) || t.slug.includes(q)) &&
          (!filter.status || t.status === filter.status),
      ),
      nextCursor: null,
    };
  }

  /** Creates a tenant with the built-in roles and, optionally, its first administrator. */
  async create(
    ctx: RequestContext,
    input: CreateTenantInput,
    kind: 'platform' | 'client' = 'client',
  ): Promise<Tenant> {
    const p = ctx.principal;
    if (!operatesTenants(p, 'tenants:manage'))
      throw new SwbError('SWB_FORBIDDEN', { permission: 'tenants:manage' });
    const tz = input.timeZone ?? 'Asia/Shanghai';
    if (!isValidTimeZone(tz))
      throw new SwbError('SWB_VALIDATION', { field: 'timeZone', reason: 'unknown IANA time zone' });
    const { clock } = this.deps;
    const now = clock.now();
    const passwordHash = input.admin
      ? await hashPassword(input.admin.password, this.deps.auth.scryptCost)
      : undefined;
    const row: TenantsTable = {
      id: newId('tenant'),
      name: input.name,
      slug: input.slug,
      kind,
      status: 'active',
      time_zone: tz,
      sip_domain: input.sipDomain?.toLowerCase() ?? null,
      max_concurrent_outbound: null,
      max_outbound_per_minute: null,
      outbound_deny_prefixes: '[]',
      created_at: now,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new TenantsRepo(trx);
      if (await repo.bySlug(input.slug)) throw new SwbError('SWB_CONFLICT', { resource: 'Tenant slug' });
      if (input.sipDomain && (await repo.bySipDomain(input.sipDomain.toLowerCase()))) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Tenant SIP domain' });
      }
      await repo.insert(row);
      const roles: BuiltinRole[] =
        kind === 'platform' ? [PLATFORM_ADMIN_ROLE, ...BUILTIN_ROLES] : BUILTIN_ROLES;
      const roleIds = new Map<string, string>();
      for (const r of roles) {
        const id = newId('role');
        roleIds.set(r.name, id);
        await new RolesRepo(trx).insert({
          id,
          tenant_id: row.id,
          name: r.name,
          description: r.description,
          builtin: 1,
          scope: r.scope,
          permissions: JSON.stringify(r.permissions),
          created_at: now,
          updated_at: now,
        });
      }
      await recordAudit(trx, ctx, now, {
        tenantId: row.id,
        action: 'create',
        resourceType: 'tenant',
        resourceId: row.id,
        after: toTenant(row),
      });
      if (input.admin && passwordHash) {
        const adminRole = roleIds.get(kind === 'platform' ? 'platform_admin' : 'admin')!;
        const userId = newId('user');
        await new UsersRepo(trx).insert({
          id: userId,
          tenant_id: row.id,
          username: input.admin.username,
          display_name: input.admin.displayName ?? input.admin.username,
          email: null,
          password_hash: passwordHash,
          role_id: adminRole,
          org_unit_id: null,
          status: 'active',
          failed_logins: 0,
          first_failed_at: null,
          locked_until: null,
          created_at: now,
          updated_at: now,
        });
        await recordAudit(trx, ctx, now, {
          tenantId: row.id,
          action: 'create',
          resourceType: 'user',
          resourceId: userId,
          after: { username: input.admin.username, roleId: adminRole },
        });
      }
    });
    return toTenant(row);
  }

  async update(
    ctx: RequestContext,
    id: string,
    patch: {
      name?: string;
      status?: 'active' | 'disabled';
      timeZone?: string;
      sipDomain?: string | null;
      maxConcurrentOutbound?: number | null;
      maxOutboundPerMinute?: number | null;
      outboundDenyPrefixes?: string[];
    },
  ): Promise<Tenant> {
    const p = ctx.principal;
    const platform = operatesTenants(p, 'tenants:manage');
    // a client admin may rename their own tenant and set its time zone, never its status
    if (!platform) {
      if (p.tenantId !== id) throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
      requirePermission(p, 'config:manage');
      // outbound limits cap what a tenant (or whoever took over its admin) can spend on calls
      if (
        patch.status !== undefined ||
        patch.sipDomain !== undefined ||
        patch.maxConcurrentOutbound !== undefined ||
        patch.maxOutboundPerMinute !== undefined
      ) {
        throw new SwbError('SWB_FORBIDDEN', { permission: 'tenants:manage' });
      }
    }
    if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
      throw new SwbError('SWB_VALIDATION', { field: 'timeZone', reason: 'unknown IANA time zone' });
    }
    const { clock } = this.deps;
    const now = clock.now();
    return auditedTransaction(this.deps, async (trx) => {
      const repo = new TenantsRepo(trx);
      const before = await repo.byId(id);
      if (!before) throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
      if (before.kind === 'platform' && patch.status === 'disabled') {
        throw new SwbError('SWB_VALIDATION', {
          field: 'status',
          reason: 'the platform tenant cannot be disabled',
        });
      }
      if (patch.sipDomain) patch.sipDomain = patch.sipDomain.toLowerCase();
      if (patch.sipDomain) {
        const other = await repo.bySipDomain(patch.sipDomain);
        if (other && other.id !== id) throw new SwbError('SWB_CONFLICT', { resource: 'Tenant SIP domain' });
      }
      const row: TenantsTable = {
        ...before,
        name: patch.name ?? before.name,
        status: patch.status ?? before.status,
        time_zone: patch.timeZone ?? before.time_zone,
        sip_domain: patch.sipDomain === undefined ? before.sip_domain : patch.sipDomain,
        max_concurrent_outbound:
          patch.maxConcurrentOutbound === undefined
            ? before.max_concurrent_outbound
            : patch.maxConcurrentOutbound,
        max_outbound_per_minute:
          patch.maxOutboundPerMinute === undefined
            ? before.max_outbound_per_minute
            : patch.maxOutboundPerMinute,
        // a deny list only narrows what phones may dial: the tenant admin may keep it too
        outbound_deny_prefixes:
          patch.outboundDenyPrefixes === undefined
            ? before.outbound_deny_prefixes
            : JSON.stringify(denyPrefixes(patch.outboundDenyPrefixes)),
        updated_at: now,
      };
      await repo.update(id, row);
      await recordAudit(trx, ctx, now, {
        tenantId: id,
        action: 'update',
        resourceType: 'tenant',
        resourceId: id,
        before: toTenant(before),
        after: toTenant(row),
      });
      return toTenant(row);
    });
  }
}

/** Deleting a tenant removes all its data; it must be disabled first (a deliberate two-step). */
export async function deleteTenant(deps: TenantsDeps, ctx: RequestContext, id: string): Promise<void> {
  const p = ctx.principal;
  if (!operatesTenants(p, 'tenants:manage')) {
    throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
  }
  const now = deps.clock.now();
  await auditedTransaction(deps, async (trx) => {
    const repo = new TenantsRepo(trx);
    const before = await repo.byId(id);
    if (!before) throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
    if (before.kind === 'platform') {
      throw new SwbError('SWB_VALIDATION', { field: 'id', reason: 'the platform tenant cannot be deleted' });
    }
    if (before.status !== 'disabled') {
      throw new SwbError('SWB_VALIDATION', {
        field: 'status',
        reason: 'disable the tenant before deleting it',
      });
    }
    await trx.deleteFrom('sessions').where('tenant_id', '=', id).execute();
    await trx.deleteFrom('api_keys').where('tenant_id', '=', id).execute();
    await trx.deleteFrom('users').where('tenant_id', '=', id).execute();
    await trx.deleteFrom('roles').where('tenant_id', '=', id).execute();
    await trx.deleteFrom('org_units').where('tenant_id', '=', id).execute();
    await repo.delete(id);
    await recordAudit(trx, ctx, now, {
      tenantId: p.tenantId,
      action: 'delete',
      resourceType: 'tenant',
      resourceId: id,
      before: toTenant(before),
    });
  });
}
