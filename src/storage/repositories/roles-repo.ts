import type { Kysely } from 'kysely';
import type { Permission } from '../../tenants/permissions.js';
import { iso, type Role } from '../../tenants/types.js';
import { decodeCursor, likePattern, type Page, type PageRequest, toPage } from '../page.js';
import type { Database, RolesTable } from '../schema.js';

export function toRole(r: RolesTable): Role {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    description: r.description,
    builtin: r.builtin === 1,
    scope: r.scope,
    permissions: JSON.parse(r.permissions) as Permission[],
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export class RolesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RolesTable): Promise<void> {
    await this.db.insertInto('roles').values(row).execute();
  }

  async byId(tenantId: string, id: string): Promise<RolesTable | undefined> {
    return this.db
      .selectFrom('roles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async byName(tenantId: string, name: string): Promise<RolesTable | undefined> {
    return this.db
      .selectFrom('roles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async list(tenantId: string, page: PageRequest, filter: { q?: string }): Promise<Page<Role>> {
    let qb = this.db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (filter.q)
      qb = qb.where((eb) => eb(eb.fn('lower', ['name']), 'like', likePattern(filter.q!.toLowerCase())));
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, toRole);
  }

  async update(tenantId: string, id: string, patch: Partial<RolesTable>): Promise<void> {
    await this.db
      .updateTable('roles')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('roles').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  /**
   * Holders of a role that lie outside a part of the organisation: users not in `unitIds`
   * (users without a unit count as outside) and unrevoked API keys (which belong to no unit).
   */
  async holdersOutside(tenantId: string, id: string, unitIds: readonly string[]): Promise<number> {
    let users = this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', id);
    if (unitIds.length > 0) {
      users = users.where((eb) =>
        eb.or([eb('org_unit_id', 'is', null), eb('org_unit_id', 'not in', [...unitIds])]),
      );
    }
    const u = await users.executeTakeFirst();
    const k = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(u?.n ?? 0) + Number(k?.n ?? 0);
  }

  async usage(tenantId: string, id: string): Promise<number> {
    const u = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', id)
      .executeTakeFirst();
    const k = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(u?.n ?? 0) + Number(k?.n ?? 0);
  }
}
