import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Page, PageRequest } from '../storage/page.js';
import { OrgUnitsRepo, toOrgUnit } from '../storage/repositories/org-units-repo.js';
import type { OrgUnitsTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from './audit.js';
import { dataScope, requirePermission } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import { AccessGuard, unitWithin } from './escalation.js';
import type { OrgUnit } from './types.js';

/** Centers contain groups (业务组); agents belong to a group. tenant → center → group → agent. */
export class OrgService {
  readonly #guard: AccessGuard;

  constructor(private readonly deps: TenantsDeps) {
    this.#guard = new AccessGuard(deps);
  }

  async #load(ctx: RequestContext, id: string): Promise<OrgUnitsTable> {
    const row = await new OrgUnitsRepo(this.deps.db).byId(ctx.principal.tenantId, id);
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'Org unit' });
    // the same units list() shows: a "self" scope sees no org unit at all
    if (!unitWithin(await dataScope(this.deps.db, ctx.principal), id))
      throw new SwbError('SWB_NOT_FOUND', { resource: 'Org unit' });
    return row;
  }

  async get(ctx: RequestContext, id: string): Promise<OrgUnit> {
    requirePermission(ctx.principal, 'org:read');
    return toOrgUnit(await this.#load(ctx, id));
  }

  async list(
    ctx: RequestContext,
    page: PageRequest,
    f: { q?: string; parentId?: string; kind?: string },
  ): Promise<Page<OrgUnit>> {
    requirePermission(ctx.principal, 'org:read');
    const scope = await dataScope(this.deps.db, ctx.principal);
    const within = scope.kind === 'units' ? scope.unitIds : scope.kind === 'self' ? [] : undefined;
    return new OrgUnitsRepo(this.deps.db).list(ctx.principal.tenantId, page, {
      ...f,
      ...(within ? { within } : {}),
    });
  }

  async #validateParent(
    ctx: RequestContext,
    kind: 'center' | 'group',
    parentId: string | null,
  ): Promise<void> {
    if (kind === 'center' && parentId !== null) {
      throw new SwbError('SWB_VALIDATION', {
        field: 'parentId',
        reason: 'a center sits directly under the tenant',
      });
    }
    if (kind === 'group') {
      if (!parentId)
        throw new SwbError('SWB_VALIDATION', { field: 'parentId', reason: 'a group needs its center' });
      const parent = await new OrgUnitsRepo(this.deps.db).byId(ctx.principal.tenantId, parentId);
      if (!parent || parent.kind !== 'center') {
        throw new SwbError('SWB_VALIDATION', {
          field: 'parentId',
          reason: 'parent must be a center of this tenant',
        });
      }
    }
  }

  async create(
    ctx: RequestContext,
    input: { kind: 'center' | 'group'; name: string; parentId?: string | null },
  ): Promise<OrgUnit> {
    requirePermission(ctx.principal, 'org:manage');
    const parentId = input.parentId ?? null;
    await this.#validateParent(ctx, input.kind, parentId);
    await this.#guard.createOrgUnit(ctx, input.kind, parentId);
    const now = this.deps.clock.now();
    const row: OrgUnitsTable = {
      id: newId(input.kind === 'center' ? 'center' : 'group'),
      tenant_id: ctx.principal.tenantId,
      parent_id: parentId,
      kind: input.kind,
      name: input.name,
      created_at: now,
      updated_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      if (await new OrgUnitsRepo(trx).byName(row.tenant_id, parentId, input.name)) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Org unit name' });
      }
      await new OrgUnitsRepo(trx).insert(row);
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'create',
        resourceType: 'org_unit',
        resourceId: row.id,
        after: toOrgUnit(row),
      });
    });
    return toOrgUnit(row);
  }

  async update(ctx: RequestContext, id: string, input: { name?: string }): Promise<OrgUnit> {
    requirePermission(ctx.principal, 'org:manage');
    const before = await this.#load(ctx, id);
    const now = this.deps.clock.now();
    const row = { ...before, name: input.name ?? before.name, updated_at: now };
    await auditedTransaction(this.deps, async (trx) => {
      const same = await new OrgUnitsRepo(trx).byName(row.tenant_id, row.parent_id, row.name);
      if (same && same.id !== id) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Org unit name' });
      }
      await new OrgUnitsRepo(trx).update(row.tenant_id, id, row);
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'update',
        resourceType: 'org_unit',
        resourceId: id,
        before: toOrgUnit(before),
        after: toOrgUnit(row),
      });
    });
    return toOrgUnit(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'org:manage');
    const before = await this.#load(ctx, id);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new OrgUnitsRepo(trx);
      if ((await repo.childCount(before.tenant_id, id)) > 0) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Org unit still has groups or users; it' });
      }
      await repo.delete(before.tenant_id, id);
      await recordAudit(trx, ctx, now, {
        tenantId: before.tenant_id,
        action: 'delete',
        resourceType: 'org_unit',
        resourceId: id,
        before: toOrgUnit(before),
      });
    });
  }
}
