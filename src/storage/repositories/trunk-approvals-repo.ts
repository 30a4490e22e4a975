import type { Kysely } from 'kysely';
import type { Database, TrunkSourceApprovalsTable } from '../schema.js';

/** Address ranges the platform operator approved for a tenant's IP trunks. Every method takes the tenant. */
export class TrunkApprovalsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string): Promise<TrunkSourceApprovalsTable[]> {
    return this.db
      .selectFrom('trunk_source_approvals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('cidr')
      .execute();
  }

  async byId(tenantId: string, id: string): Promise<TrunkSourceApprovalsTable | undefined> {
    return this.db
      .selectFrom('trunk_source_approvals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insert(row: TrunkSourceApprovalsTable): Promise<void> {
    await this.db.insertInto('trunk_source_approvals').values(row).execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db
      .deleteFrom('trunk_source_approvals')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }
}
