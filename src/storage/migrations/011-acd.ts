import type { Kysely } from 'kysely';

/**
 * ACD and agents (issue 16): queues (skill groups) with their routing settings as JSON, the
 * tenant's named skills, agent profiles with a tenant-chosen agent id unique per tenant
 * (behaviour 13), queue memberships with per-queue level, tier and position, and the tenant's
 * not-ready reason codes. Live status and state are not stored here (they live in the ACD owner
 * and its event log).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acd_skills')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('acd_skills_pk', ['tenant_id', 'name'])
    .execute();
  await db.schema
    .createTable('acd_queues')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('queue_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('skill', 'varchar(64)')
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('acd_queues_pk', ['tenant_id', 'queue_id'])
    .execute();
  await db.schema
    .createTable('agent_profiles')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('agent_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)')
    .addColumn('display_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('default_mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_profiles_pk', ['tenant_id', 'agent_id'])
    .execute();
  await db.schema
    .createTable('agent_memberships')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('agent_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('queue_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('tier', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_memberships_pk', ['tenant_id', 'agent_id', 'queue_id'])
    .addForeignKeyConstraint(
      'agent_memberships_agent',
      ['tenant_id', 'agent_id'],
      'agent_profiles',
      ['tenant_id', 'agent_id'],
      (c) => c.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'agent_memberships_queue',
      ['tenant_id', 'queue_id'],
      'acd_queues',
      ['tenant_id', 'queue_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('agent_reason_codes')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('code', 'varchar(32)', (c) => c.notNull())
    .addColumn('label', 'varchar(200)', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_reason_codes_pk', ['tenant_id', 'code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['agent_reason_codes', 'agent_memberships', 'agent_profiles', 'acd_queues', 'acd_skills'])
    await db.schema.dropTable(t).execute();
}
