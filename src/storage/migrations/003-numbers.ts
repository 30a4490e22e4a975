import type { Kysely } from 'kysely';

/**
 * Trunks (carriers' SIP trunks), numbers (DIDs, 400/800 service numbers, access numbers), the
 * binding of 400/800 numbers to access numbers, per-number routing rules, and the live
 * registration state of trunks that register with their carrier.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trunks')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('direction', 'varchar(16)', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('transport', 'varchar(8)', (c) => c.notNull())
    .addColumn('inbound_auth', 'varchar(16)', (c) => c.notNull())
    .addColumn('allowed_sources', 'text', (c) => c.notNull())
    .addColumn('inbound_username', 'varchar(64)')
    .addColumn('inbound_ha1_md5', 'varchar(64)')
    .addColumn('inbound_ha1_sha256', 'varchar(128)')
    .addColumn('register', 'integer', (c) => c.notNull())
    .addColumn('register_expires', 'integer', (c) => c.notNull())
    .addColumn('outbound_username', 'varchar(128)')
    .addColumn('outbound_password', 'varchar(255)')
    .addColumn('from_domain', 'varchar(255)')
    .addColumn('caller_id', 'varchar(32)')
    .addColumn('caller_id_presentation', 'varchar(16)', (c) => c.notNull())
    .addColumn('max_concurrent', 'integer')
    .addColumn('country_code', 'varchar(4)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('trunks_tenant_name', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('numbers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // one carrier number belongs to one tenant: unique across tenants
    .addColumn('number', 'varchar(20)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('label', 'varchar(200)', (c) => c.notNull())
    .addColumn('trunk_id', 'varchar(64)', (c) => c.references('trunks.id'))
    .addColumn('entry_point', 'varchar(300)')
    .addColumn('time_zone', 'varchar(64)')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('numbers_tenant').on('numbers').columns(['tenant_id', 'id']).execute();

  await db.schema
    .createTable('access_numbers')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('service_number_id', 'varchar(64)', (c) =>
      c.notNull().references('numbers.id').onDelete('cascade'),
    )
    .addColumn('access_number_id', 'varchar(64)', (c) =>
      c.notNull().references('numbers.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_numbers_pk', ['service_number_id', 'access_number_id'])
    .execute();
  await db.schema
    .createIndex('access_numbers_access')
    .on('access_numbers')
    .columns(['access_number_id'])
    .execute();

  await db.schema
    .createTable('routing_rules')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('number_id', 'varchar(64)', (c) => c.notNull().references('numbers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('entry_point', 'varchar(300)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('routing_rules_number')
    .on('routing_rules')
    .columns(['number_id', 'position'])
    .execute();

  await db.schema
    .createTable('trunk_status')
    .addColumn('trunk_id', 'varchar(64)', (c) => c.primaryKey().references('trunks.id').onDelete('cascade'))
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('last_code', 'integer')
    .addColumn('last_error', 'varchar(300)')
    .addColumn('expires_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['trunk_status', 'routing_rules', 'access_numbers', 'numbers', 'trunks']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
