import type { Kysely } from 'kysely';

/**
 * SIP accounts (what phones and softphones register with) and SIP registrations (the location
 * service, persisted so a restart does not forget where phones are).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sip_accounts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('username', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('realm', 'varchar(255)', (c) => c.notNull())
    .addColumn('ha1_md5', 'varchar(64)', (c) => c.notNull())
    .addColumn('ha1_sha256', 'varchar(128)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sip_accounts_tenant_username', ['tenant_id', 'username'])
    .execute();

  await db.schema
    .createTable('sip_registrations')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('aor', 'varchar(320)', (c) => c.notNull())
    .addColumn('contact', 'varchar(1024)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('call_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('cseq', 'bigint', (c) => c.notNull())
    .addColumn('q', 'real')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'varchar(255)')
    .addPrimaryKeyConstraint('sip_registrations_pk', ['tenant_id', 'aor', 'contact'])
    .execute();
  await db.schema
    .createIndex('sip_registrations_expiry')
    .on('sip_registrations')
    .columns(['expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sip_registrations').ifExists().execute();
  await db.schema.dropTable('sip_accounts').ifExists().execute();
}
