import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Page, PageRequest } from '../storage/page.js';
import { ApiKeysRepo } from '../storage/repositories/api-keys-repo.js';
import { SessionsRepo } from '../storage/repositories/sessions-repo.js';
import { toUser, type UserFilter, UsersRepo } from '../storage/repositories/users-repo.js';
import type { UsersTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from './audit.js';
import { type DataScope, dataScope, requirePermission } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import { AccessGuard } from './escalation.js';
import { clearLoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import type { User } from './types.js';

export interface CreateUserInput {
  username: string;
  password: string;
  displayName?: string | undefined;
  email?: string | undefined;
  roleId: string;
  orgUnitId?: string | undefined;
}

export interface UpdateUserInput {
  displayName?: string | undefined;
  email?: string | null | undefined;
  roleId?: string | undefined;
  orgUnitId?: string | null | undefined;
  status?: 'active' | 'disabled' | undefined;
  password?: string | undefined;
  /** Required when people change their own password (a stolen session must not suffice). */
  currentPassword?: string | undefined;
  unlock?: boolean | undefined;
}

function inScope(scope: DataScope, row: UsersTable): boolean {
  if (scope.kind === 'tenant') return true;
  if (scope.kind === 'self') return row.id === scope.userId;
  return row.org_unit_id !== null && scope.unitIds.includes(row.org_unit_id);
}

export class UsersService {
  readonly #guard: AccessGuard;

  constructor(private readonly deps: TenantsDeps) {
    this.#guard = new AccessGuard(deps);
  }

  async #load(ctx: RequestContext, id: string): Promise<UsersTable> {
    const row = await new UsersRepo(this.deps.db).byId(ctx.principal.tenantId, id);
    if (!row || !inScope(await dataScope(this.deps.db, ctx.principal), row)) {
      throw new SwbError('SWB_NOT_FOUND', { resource: 'User' });
    }
    return row;
  }

  async get(ctx: RequestContext, id: string): Promise<User> {
    if (ctx.principal.userId !== id) requirePermission(ctx.principal, 'users:read');
    return toUser(await this.#load(ctx, id));
  }

  async list(ctx: RequestContext, page: PageRequest, filter: UserFilter): Promise<Page<User>> {
    requirePermission(ctx.principal, 'users:read');
    const scope = await dataScope(this.deps.db, ctx.principal);
    const f: UserFilter = { ...filter };
    if (scope.kind === 'self') f.onlyUserId = scope.userId;
    if (scope.kind === 'units') f.withinOrgUnits = scope.unitIds;
    return new UsersRepo(this.deps.db).list(ctx.principal.tenantId, page, f);
  }

  async create(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    requirePermission(ctx.principal, 'users:manage');
    // the new user gets at most your rights and lands inside your part of the organisation
    const target = { resourceType: 'user', resourceId: input.username } as const;
    await this.#guard.grantRole(ctx, 'user.create', input.roleId, target);
    await this.#guard.placeUser(ctx, 'user.create', input.orgUnitId ?? null, target);
    const { clock } = this.deps;
    const tenantId = ctx.principal.tenantId;
    const now = clock.now();
    const hash = await hashPassword(input.password, this.deps.auth.scryptCost);
    const row: UsersTable = {
      id: newId('user'),
      tenant_id: tenantId,
      username: input.username,
      display_name: input.displayName ?? input.username,
      email: input.email ?? null,
      password_hash: hash,
      role_id: input.roleId,
      org_unit_id: input.orgUnitId ?? null,
      status: 'active',
      failed_logins: 0,
      first_failed_at: null,
      locked_until: null,
      created_at: now,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new UsersRepo(trx);
      if (await repo.byUsername(tenantId, input.username))
        throw new SwbError('SWB_CONFLICT', { resource: 'Username' });
      await repo.insert(row);
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'create',
        resourceType: 'user',
        resourceId: row.id,
        after: toUser(row),
      });
    });
    return toUser(row);
  }

  async update(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<User> {
    const self = ctx.principal.userId === id;
    const onlyOwnPassword =
      self &&
      Object.keys(input).every((k) => k === 'password' || k === 'currentPassword' || k === 'displayName');
    if (!onlyOwnPassword) requirePermission(ctx.principal, 'users:manage');
    const before = await this.#load(ctx, id);
    if (!onlyOwnPassword) {
      // password, status, unlock, role and unit of someone who holds more than you: refused
      const target = { resourceType: 'user', resourceId: id } as const;
      await this.#guard.actOnUser(ctx, 'user.update', before);
      if (input.roleId !== undefined) await this.#guard.grantRole(ctx, 'user.update', input.roleId, target);
      if (input.orgUnitId !== undefined && input.orgUnitId !== before.org_unit_id)
        await this.#guard.placeUser(ctx, 'user.update', input.orgUnitId, target);
    }
    if (self && input.password !== undefined) {
      const ok =
        input.currentPassword !== undefined &&
        (await verifyPassword(input.currentPassword, before.password_hash));
      if (!ok) {
        throw new SwbError('SWB_VALIDATION', {
          field: 'currentPassword',
          reason: 'your current password is required to set a new one',
        });
      }
    }
    const { clock } = this.deps;
    const now = clock.now();
    const hash = input.password ? await hashPassword(input.password, this.deps.auth.scryptCost) : undefined;
    const row: UsersTable = {
      ...before,
      display_name: input.displayName ?? before.display_name,
      email: input.email === undefined ? before.email : input.email,
      role_id: input.roleId ?? before.role_id,
      org_unit_id: input.orgUnitId === undefined ? before.org_unit_id : input.orgUnitId,
      status: input.status ?? before.status,
      password_hash: hash ?? before.password_hash,
      locked_until: input.unlock ? null : before.locked_until,
      failed_logins: input.unlock ? 0 : before.failed_logins,
      first_failed_at: input.unlock ? null : before.first_failed_at,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      await new UsersRepo(trx).update(ctx.principal.tenantId, id, row);
      // a new password or a disabled account ends every open session of that user
      if (hash || row.status === 'disabled')
        await new SessionsRepo(trx).deleteForUser(ctx.principal.tenantId, id);
      // keys die with their owner (auth also refuses them while the owner is not active)
      if (row.status === 'disabled')
        await new ApiKeysRepo(trx).revokeForOwner(ctx.principal.tenantId, id, now);
      if (input.unlock) await clearLoginThrottle(trx, this.deps.auth, ctx.principal.tenantId, row.username);
      const after = toUser(row) as User & { passwordChanged?: boolean };
      if (hash) after.passwordChanged = true;
      await recordAudit(trx, ctx, now, {
        tenantId: ctx.principal.tenantId,
        action: 'update',
        resourceType: 'user',
        resourceId: id,
        before: toUser(before),
        after,
      });
    });
    return toUser(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'users:manage');
    if (ctx.principal.userId === id) {
      throw new SwbError('SWB_VALIDATION', { field: 'id', reason: 'you cannot delete your own account' });
    }
    const before = await this.#load(ctx, id);
    await this.#guard.actOnUser(ctx, 'user.delete', before);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      await new SessionsRepo(trx).deleteForUser(ctx.principal.tenantId, id);
      await new ApiKeysRepo(trx).revokeForOwner(ctx.principal.tenantId, id, now);
      await new UsersRepo(trx).delete(ctx.principal.tenantId, id);
      await recordAudit(trx, ctx, now, {
        tenantId: ctx.principal.tenantId,
        action: 'delete',
        resourceType: 'user',
        resourceId: id,
        before: toUser(before),
      });
    });
  }
}
