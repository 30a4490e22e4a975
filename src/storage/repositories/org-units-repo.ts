import type { Kysely } from 'kysely';
import { iso, type OrgUnit } from '../../tenants/types.js';
import { decodeCursor, likePattern, type Page, type PageRequest, toPage } from '../page.js';
import type { Database, OrgUnitsTable } from '../schema.js';

export function toOrgUnit(r: OrgUnitsTable): OrgUnit {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    parentId: r.parent_id,
    kind: r.kind,
    name: r.name,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export class OrgUnitsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: OrgUnitsTable): Promise<void> {
    await this.db.insertInto('org_units').values(row).execute();
  }

  async byId(tenantId: string, id: string): Promise<OrgUnitsTable | undefined> {
    return this.db
      .selectFrom('org_units')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** A unit with this name under the same parent (null parent = top level), if any. */
  async byName(tenantId: string, parentId: string | null, name: string): Promise<OrgUnitsTable | undefined> {
    let qb = this.db
      .selectFrom('org_units')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name);
    qb = parentId === null ? qb.where('parent_id', 'is', null) : qb.where('parent_id', '=', parentId);
    return qb.executeTakeFirst();
  }

  async all(tenantId: string): Promise<OrgUnitsTable[]> {
    return this.db.selectFrom('org_units').selectAll().where('tenant_id', '=', tenantId).execute();
  }

  async list(
    tenantId: string,
    page: PageRequest,
    filter: { q?: string; parentId?: string; kind?: string; within?: string[] },
  ): Promise<Page<OrgUnit>> {
    let qb = this.db.selectFrom('org_units').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (filter.parentId) qb = qb.where('parent_id', '=', filter.parentId);
    if (filter.kind) qb = qb.where('kind', '=', filter.kind as OrgUnitsTable['kind']);
    if (filter.within) {
      if (filter.within.length === 0) return { items: [], nextCursor: null };
      qb = qb.where('id', 'in', filter.within);
    }
    if (filter.q)
      qb = qb.where((eb) => eb(eb.fn('lower', ['name']), 'like', likePattern(filter.q!.toLowerCase())));
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, toOrgUnit);
  }

  async update(tenantId: string, id: string, patch: Partial<OrgUnitsTable>): Promise<void> {
    await this.db
      .updateTable('org_units')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('org_units').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async childCount(tenantId: string, id: string): Promise<number> {
    const c = await this.db
      .selectFrom('org_units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('parent_id', '=', id)
      .executeTakeFirst();
    const u = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('org_unit_id', '=', id)
      .executeTakeFirst();
    return Number(c?.n ?? 0) + Number(u?.n ?? 0);
  }
}
