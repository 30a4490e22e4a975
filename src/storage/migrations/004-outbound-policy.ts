import type { Kysely } from 'kysely';

/**
 * Toll-fraud policy (docs/security.md#toll-fraud-class-of-service-and-outbound-limits): each SIP account's class of service
 * (`internal`, `national`, `international`; existing accounts become `national`, so an upgrade
 * closes international dialling until an administrator opens it) and its limits on outbound
 * trunk calls; the tenant's limits and its deny list of dialled prefixes. A null limit takes the default from config.outboundPolicy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sip_accounts')
    .addColumn('class_of_service', 'varchar(16)', (c) => c.notNull().defaultTo('national'))
    .execute();
  await db.schema.alterTable('sip_accounts').addColumn('max_concurrent_outbound', 'integer').execute();
  await db.schema.alterTable('sip_accounts').addColumn('max_outbound_per_minute', 'integer').execute();
  await db.schema.alterTable('tenants').addColumn('max_concurrent_outbound', 'integer').execute();
  await db.schema.alterTable('tenants').addColumn('max_outbound_per_minute', 'integer').execute();
  // JSON array of E.164 prefixes no phone of the tenant may dial (premium-rate, satellite, …)
  await db.schema
    .alterTable('tenants')
    .addColumn('outbound_deny_prefixes', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('outbound_deny_prefixes').execute();
  await db.schema.alterTable('tenants').dropColumn('max_outbound_per_minute').execute();
  await db.schema.alterTable('tenants').dropColumn('max_concurrent_outbound').execute();
  await db.schema.alterTable('sip_accounts').dropColumn('max_outbound_per_minute').execute();
  await db.schema.alterTable('sip_accounts').dropColumn('max_concurrent_outbound').execute();
  await db.schema.alterTable('sip_accounts').dropColumn('class_of_service').execute();
}
