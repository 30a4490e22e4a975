import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Page, PageRequest } from '../storage/page.js';
import { RolesRepo, toRole } from '../storage/repositories/roles-repo.js';
import type { RolesTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from './audit.js';
import { requirePermission } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import { AccessGuard, rightsOf } from './escalation.js';
import { isPermission, type Permission, type RoleScope } from './permissions.js';
import type { Role } from './types.js';

export interface RoleInput {
  name: string;
  description?: string | undefined;
  scope: RoleScope;
  permissions: string[];
}

export class RolesService {
  readonly #guard: AccessGuard;

  constructor(private readonly deps: TenantsDeps) {
    this.#guard = new AccessGuard(deps);
  }

  /** Unknown permissions are rejected; tenant-management permissions exist only in the platform tenant. */
  #checkPermissions(ctx: RequestContext, perms: string[]): Permission[] {
    const out: Permission[] = [];
    for (const p of perms) {
      if (!isPermission(p))
        throw new SwbError('SWB_VALIDATION', { field: 'permissions', reason: `unknown permission ${p}` });
      if (p.startsWith('tenants:') && ctx.principal.tenantKind !== 'platform') {
        throw new SwbError('SWB_VALIDATION', {
          field: 'permissions',
          reason: `${p} exists only for the platform operator`,
        });
      }
      if (!out.includes(p)) out.push(p);
    }
    return out;
  }

  async #load(ctx: RequestContext, id: string): Promise<RolesTable> {
    const row = await new RolesRepo(this.deps.db).byId(ctx.principal.tenantId, id);
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'Role' });
    return row;
  }

  async get(ctx: RequestContext, id: string): Promise<Role> {
    if (ctx.principal.roleId !== id) requirePermission(ctx.principal, 'roles:read');
    return toRole(await this.#load(ctx, id));
  }

  async list(ctx: RequestContext, page: PageRequest, filter: { q?: string }): Promise<Page<Role>> {
    requirePermission(ctx.principal, 'roles:read');
    return new RolesRepo(this.deps.db).list(ctx.principal.tenantId, page, filter);
  }

  async create(ctx: RequestContext, input: RoleInput): Promise<Role> {
    requirePermission(ctx.principal, 'roles:manage');
    const perms = this.#checkPermissions(ctx, input.permissions);
    await this.#guard.defineRole(ctx, { scope: input.scope, permissions: perms }, input.name);
    const now = this.deps.clock.now();
    const row: RolesTable = {
      id: newId('role'),
      tenant_id: ctx.principal.tenantId,
      name: input.name,
      description: input.description ?? '',
      builtin: 0,
      scope: input.scope,
      permissions: JSON.stringify(perms),
      created_at: now,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new RolesRepo(trx);
      if (await repo.byName(row.tenant_id, row.name))
        throw new SwbError('SWB_CONFLICT', { resource: 'Role name' });
      await repo.insert(row);
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'create',
        resourceType: 'role',
        resourceId: row.id,
        after: toRole(row),
      });
    });
    return toRole(row);
  }

  async update(ctx: RequestContext, id: string, input: Partial<RoleInput>): Promise<Role> {
    requirePermission(ctx.principal, 'roles:manage');
    const before = await this.#load(ctx, id);
    if (
      before.builtin === 1 &&
      (input.permissions !== undefined || input.name !== undefined || input.scope !== undefined)
    ) {
      throw new SwbError('SWB_VALIDATION', {
        field: 'id',
        reason: 'built-in roles keep their name, scope and permissions; create a custom role instead',
      });
    }
    const perms = input.permissions ? this.#checkPermissions(ctx, input.permissions) : undefined;
    await this.#guard.changeRole(ctx, 'role.update', before, {
      scope: input.scope ?? before.scope,
      permissions: perms ?? rightsOf(before).permissions,
    });
    const now = this.deps.clock.now();
    const row: RolesTable = {
      ...before,
      name: input.name ?? before.name,
      description: input.description ?? before.description,
      scope: input.scope ?? before.scope,
      permissions: perms ? JSON.stringify(perms) : before.permissions,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new RolesRepo(trx);
      if (input.name && input.name !== before.name && (await repo.byName(row.tenant_id, input.name))) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Role name' });
      }
      await repo.update(row.tenant_id, id, row);
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'update',
        resourceType: 'role',
        resourceId: id,
        before: toRole(before),
        after: toRole(row),
      });
    });
    return toRole(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'roles:manage');
    const before = await this.#load(ctx, id);
    if (before.builtin === 1)
      throw new SwbError('SWB_VALIDATION', { field: 'id', reason: 'built-in roles cannot be deleted' });
    await this.#guard.changeRole(ctx, 'role.delete', before);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new RolesRepo(trx);
      if ((await repo.usage(before.tenant_id, id)) > 0) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Role in use by users or API keys; it' });
      }
      await repo.delete(before.tenant_id, id);
      await recordAudit(trx, ctx, now, {
        tenantId: before.tenant_id,
        action: 'delete',
        resourceType: 'role',
        resourceId: id,
        before: toRole(before),
      });
    });
  }
}
