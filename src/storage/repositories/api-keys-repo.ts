import type { Kysely } from 'kysely';
import { type ApiKey, iso } from '../../tenants/types.js';
import { decodeCursor, type Page, type PageRequest, toPage } from '../page.js';
import type { ApiKeysTable, Database } from '../schema.js';

export function toApiKey(r: ApiKeysTable): ApiKey {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    roleId: r.role_id,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
    ownerUserId: r.owner_user_id,
    expiresAt: iso(r.expires_at),
  };
}

export class ApiKeysRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApiKeysTable): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  /** By key id alone: used to authenticate, before the tenant is known. */
  async byIdForAuth(id: string): Promise<ApiKeysTable | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byId(tenantId: string, id: string): Promise<ApiKeysTable | undefined> {
    return this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async list(tenantId: string, page: PageRequest, f: { includeRevoked?: boolean }): Promise<Page<ApiKey>> {
    let qb = this.db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (!f.includeRevoked) qb = qb.where('revoked_at', 'is', null);
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, toApiKey);
  }

  /** Revokes every live key of one owner (user disabled or deleted); returns the ids. */
  async revokeForOwner(tenantId: string, userId: string, at: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('owner_user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async update(tenantId: string, id: string, patch: Partial<ApiKeysTable>): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }
}
