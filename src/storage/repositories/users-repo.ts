import type { Kysely } from 'kysely';
import { iso, type User } from '../../tenants/types.js';
import { decodeCursor, likePattern, type Page, type PageRequest, toPage } from '../page.js';
import type { Database, TenantsTable, UsersTable } from '../schema.js';

export function toUser(r: UsersTable): User {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    roleId: r.role_id,
    orgUnitId: r.org_unit_id,
    status: r.status,
    lockedUntil: iso(r.locked_until),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export interface UserFilter {
  q?: string | undefined;
  status?: string | undefined;
  roleId?: string | undefined;
  orgUnitId?: string | undefined;
  /** Data scope: only users in these org units (undefined = whole tenant). */
  withinOrgUnits?: string[] | undefined;
  /** Data scope "self": only this user. */
  onlyUserId?: string | undefined;
}

export class UsersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: UsersTable): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  async byId(tenantId: string, id: string): Promise<UsersTable | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async byUsername(tenantId: string, username: string): Promise<UsersTable | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('username', '=', username)
      .executeTakeFirst();
  }

  /**
   * The login lookup: one query whether the tenant exists or not, so an unknown tenant and an
   * unknown user cost the same time as an existing one (with the same hashing work after it).
   */
  async forLogin(
    tenantSlug: string,
    username: string,
  ): Promise<(UsersTable & { tenant_status: TenantsTable['status'] }) | undefined> {
    return this.db
      .selectFrom('users')
      .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
      .selectAll('users')
      .select('tenants.status as tenant_status')
      .where('tenants.slug', '=', tenantSlug)
      .where('users.username', '=', username)
      .executeTakeFirst();
  }

  /**
   * Records on the user row (for the admin's eyes: `lockedUntil`) that logins from new addresses
   * are throttled until `until`. Keyed by what was typed, so it costs the same whether or not
   * the account exists; returns the user when it does.
   */
  async markThrottled(
    tenantSlug: string,
    username: string,
    until: number,
    failures: number,
  ): Promise<{ id: string; tenant_id: string } | undefined> {
    return this.db
      .updateTable('users')
      .set({ locked_until: until, failed_logins: failures })
      .where('username', '=', username)
      .where('tenant_id', 'in', (eb) => eb.selectFrom('tenants').select('id').where('slug', '=', tenantSlug))
      .returning(['id', 'tenant_id'])
      .executeTakeFirst();
  }

  async list(tenantId: string, page: PageRequest, f: UserFilter): Promise<Page<User>> {
    let qb = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (f.status) qb = qb.where('status', '=', f.status as UsersTable['status']);
    if (f.roleId) qb = qb.where('role_id', '=', f.roleId);
    if (f.orgUnitId) qb = qb.where('org_unit_id', '=', f.orgUnitId);
    if (f.onlyUserId) qb = qb.where('id', '=', f.onlyUserId);
    if (f.withinOrgUnits) {
      if (f.withinOrgUnits.length === 0) return { items: [], nextCursor: null };
      qb = qb.where('org_unit_id', 'in', f.withinOrgUnits);
    }
    if (f.q) {
      const p = likePattern(f.q.toLowerCase());
      qb = qb.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['username']), 'like', p),
          eb(eb.fn('lower', ['display_name']), 'like', p),
          eb(eb.fn('lower', ['email']), 'like', p),
        ]),
      );
    }
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, toUser);
  }

  async update(tenantId: string, id: string, patch: Partial<UsersTable>): Promise<void> {
    await this.db
      .updateTable('users')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
}
