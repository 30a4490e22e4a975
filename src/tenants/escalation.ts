import { SwbError } from '../kernel/errors.js';
import { newSortableId } from '../kernel/ids.js';
import { AuditRepo } from '../storage/repositories/audit-repo.js';
import { OrgUnitsRepo } from '../storage/repositories/org-units-repo.js';
import { RolesRepo } from '../storage/repositories/roles-repo.js';
import type { RolesTable, UsersTable } from '../storage/schema.js';
import { type DataScope, dataScope } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import type { Permission, RoleScope } from './permissions.js';
import type { Principal } from './types.js';

/**
 * The one place that decides whether an actor may act on a user, a role or a grant without
 * exceeding their own rights. The rule (docs/security.md#privilege-escalation-inside-a-tenant):
 *
 * - rights are a role's permissions and the width of its data scope (self < group < center < tenant);
 * - nobody acts on a user (password, status, role, unit, deletion) whose rights exceed their own;
 * - nobody grants rights (a role to a user or to an API key, a new or edited role) that exceed
 *   their own, nor places a user outside their own part of the organisation;
 * - nobody edits or deletes the role they hold, nor a role held by someone outside their reach.
 *
 * Equal rights are allowed (two administrators can recover each other). Targets outside the
 * actor's data scope are not found (404) before this is asked, as everywhere else.
 */

export const SCOPE_RANK: Readonly<Record<RoleScope, number>> = { self: 0, group: 1, center: 2, tenant: 3 };

export interface Rights {
  scope: RoleScope;
  permissions: readonly Permission[];
}

export function rightsOf(role: Pick<RolesTable, 'scope' | 'permissions'>): Rights {
  return { scope: role.scope, permissions: JSON.parse(role.permissions) as Permission[] };
}

export type Excess = { permission: Permission } | { scope: RoleScope };

/** What in `rights` the actor does not hold, or undefined when `rights` ⊆ the actor's. */
export function excessOver(actor: Principal, rights: Rights): Excess | undefined {
  if (actor.actorType === 'system') return undefined;
  const missing = rights.permissions.find((p) => !actor.permissions.has(p));
  if (missing) return { permission: missing };
  if (SCOPE_RANK[rights.scope] > SCOPE_RANK[actor.scope]) return { scope: rights.scope };
  return undefined;
}

/** Whether something placed in `unitId` (null: in no unit) lies within a data scope. */
export function unitWithin(scope: DataScope, unitId: string | null): boolean {
  if (scope.kind === 'tenant') return true;
  if (scope.kind === 'self') return false; // "self" owns no org unit, only the person
  return unitId !== null && scope.unitIds.includes(unitId);
}

function describe(x: Excess): string {
  return 'permission' in x
    ? `permission ${x.permission} is not yours`
    : `scope ${x.scope} is wider than yours`;
}

interface Target {
  resourceType: 'user' | 'role' | 'api_key' | 'org_unit';
  resourceId: string;
}

export class AccessGuard {
  constructor(private readonly deps: Pick<TenantsDeps, 'db' | 'clock' | 'logger'>) {}

  /**
   * Refuses with 403 SWB_FORBIDDEN_ESCALATION. The attempt is recorded in the audit log
   * (action `deny`, nothing else written) and logged; recording is best effort, so a storage
   * hiccup never turns the refusal into a success or a 500.
   */
  async refuse(
    ctx: RequestContext,
    action: string,
    target: Target,
    reason: string,
    extra: object = {},
  ): Promise<never> {
    const p = ctx.principal;
    const now = this.deps.clock.now();
    const details = { action, reason, ...extra };
    this.deps.logger.warn(
      { tenantId: p.tenantId, actorType: p.actorType, actorId: p.actorId, ip: ctx.ip, ...target, ...details },
      'privilege escalation refused',
    );
    try {
      await new AuditRepo(this.deps.db).insert({
        id: newSortableId('audit', now),
        tenant_id: p.tenantId,
        at: now,
        actor_type: p.actorType,
        actor_id: p.actorId,
        action: 'deny',
        resource_type: target.resourceType,
        resource_id: target.resourceId,
        before: null,
        after: JSON.stringify(details),
        request_id: ctx.requestId,
        ip: ctx.ip,
      });
    } catch (err) {
      this.deps.logger.warn({ err, tenantId: p.tenantId }, 'could not audit a refused escalation');
    }
    throw new SwbError('SWB_FORBIDDEN_ESCALATION', details);
  }

  async #refuseExcess(ctx: RequestContext, action: string, target: Target, what: string, x: Excess) {
    return this.refuse(ctx, action, target, `${what}: ${describe(x)}`, x);
  }

  /** Acting on a user (update, reset password, disable, unlock, delete): their rights ⊆ yours. */
  async actOnUser(ctx: RequestContext, action: string, target: UsersTable): Promise<void> {
    const p = ctx.principal;
    if (p.actorType === 'system' || target.id === p.userId) return; // on yourself: your own rights
    const role = await new RolesRepo(this.deps.db).byId(p.tenantId, target.role_id);
    if (!role) return; // a user without a role holds no rights
    const x = excessOver(p, rightsOf(role));
    if (x)
      await this.#refuseExcess(
        ctx,
        action,
        { resourceType: 'user', resourceId: target.id },
        'this user holds more than you',
        x,
      );
  }

  /** Handing out a role (to a user, yourself included, or to an API key): its rights ⊆ yours. */
  async grantRole(ctx: RequestContext, action: string, roleId: string, target: Target): Promise<RolesTable> {
    const role = await new RolesRepo(this.deps.db).byId(ctx.principal.tenantId, roleId);
    if (!role)
      throw new SwbError('SWB_VALIDATION', { field: 'roleId', reason: 'no such role in this tenant' });
    const x = excessOver(ctx.principal, rightsOf(role));
    if (x) await this.#refuseExcess(ctx, action, target, `role ${role.name}`, { ...x });
    return role;
  }

  /** Placing a user (new, moved, or taken out of every unit) must keep them within your data scope. */
  async placeUser(ctx: RequestContext, action: string, unitId: string | null, target: Target): Promise<void> {
    const p = ctx.principal;
    if (unitId !== null && !(await new OrgUnitsRepo(this.deps.db).byId(p.tenantId, unitId))) {
      throw new SwbError('SWB_VALIDATION', { field: 'orgUnitId', reason: 'no such org unit in this tenant' });
    }
    if (p.actorType === 'system') return;
    if (!unitWithin(await dataScope(this.deps.db, p), unitId)) {
      await this.refuse(ctx, action, target, 'the org unit is outside your part of the organisation', {
        orgUnitId: unitId,
      });
    }
  }

  /** A new role: its permissions ⊆ yours and its scope no wider than yours. */
  async defineRole(ctx: RequestContext, rights: Rights, name: string): Promise<void> {
    const x = excessOver(ctx.principal, rights);
    if (x)
      await this.#refuseExcess(ctx, 'role.create', { resourceType: 'role', resourceId: name }, 'new role', x);
  }

  /**
   * Editing or deleting a role changes the rights of everyone holding it, so: never the role you
   * hold; the role before and after must be within your rights; and unless your scope is the
   * whole tenant, every holder must be within your part of the organisation (API keys belong
   * to no unit, so a key holding the role puts it out of reach).
   */
  async changeRole(
    ctx: RequestContext,
    action: 'role.update' | 'role.delete',
    role: RolesTable,
    after?: Rights,
  ): Promise<void> {
    const p = ctx.principal;
    if (p.actorType === 'system') return;
    const target: Target = { resourceType: 'role', resourceId: role.id };
    if (role.id === p.roleId) await this.refuse(ctx, action, target, 'you cannot change the role you hold');
    const before = excessOver(p, rightsOf(role));
    if (before) await this.#refuseExcess(ctx, action, target, `role ${role.name}`, before);
    const widened = after ? excessOver(p, after) : undefined;
    if (widened) await this.#refuseExcess(ctx, action, target, `role ${role.name} as changed`, widened);
    const scope = await dataScope(this.deps.db, p);
    if (scope.kind === 'tenant') return;
    const units = scope.kind === 'units' ? scope.unitIds : [];
    const outside = await new RolesRepo(this.deps.db).holdersOutside(p.tenantId, role.id, units);
    if (outside > 0) {
      await this.refuse(ctx, action, target, 'the role is held outside your part of the organisation', {
        holdersOutside: outside,
      });
    }
  }

  /** Creating a center needs the tenant scope; a group goes only into a center within your scope. */
  async createOrgUnit(ctx: RequestContext, kind: 'center' | 'group', parentId: string | null): Promise<void> {
    const p = ctx.principal;
    if (p.actorType === 'system') return;
    const scope = await dataScope(this.deps.db, p);
    if (scope.kind === 'tenant') return;
    const ok = kind === 'group' && unitWithin(scope, parentId);
    if (!ok) {
      await this.refuse(
        ctx,
        'org_unit.create',
        { resourceType: 'org_unit', resourceId: parentId ?? 'tenant' },
        kind === 'center'
          ? 'only a tenant-wide scope creates centers'
          : 'the parent center is outside your part of the organisation',
        { parentId },
      );
    }
  }
}
