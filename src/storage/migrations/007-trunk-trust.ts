import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Trunk trust (issue 11, finding 5) and secrets at rest (finding 11):
 * - trunk_source_approvals: address ranges (CIDR, any port) the platform operator approved for a
 *   tenant's IP-authenticated trunks; a tenant admin can only trust exact address:port pairs
 *   outside them.
 * - trunks.outbound_password holds an AES-256-GCM sealed value (src/kernel/secrets.ts), longer
 *   than the 255 characters the column allowed: widened to text on PostgreSQL (SQLite does not
 *   enforce varchar lengths). Existing plaintext rows are sealed at boot by the server, which
 *   holds the key (a migration does not).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trunk_source_approvals')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('note', 'varchar(200)')
    .addColumn('approved_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('trunk_source_approvals_tenant_cidr', ['tenant_id', 'cidr'])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table trunks alter column outbound_password type text`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('trunk_source_approvals').execute();
}
