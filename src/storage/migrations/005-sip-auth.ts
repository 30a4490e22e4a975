import type { Kysely } from 'kysely';

/**
 * SIP authentication choices (issues 11 and 12):
 * - tenants.sip_digest, sip_accounts.digest: the digest algorithms a tenant's phones / one
 *   account are challenged with ('md5', 'sha256', 'sha256+md5', 'md5+sha256'); NULL inherits
 *   (account → tenant → config sip.digest);
 * - sip_accounts.present_any_identity: the account may put another user than its own in From
 *   (a PBX behind us); 0 by default, so From must be the authenticated username.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('sip_digest', 'varchar(16)').execute();
  await db.schema.alterTable('sip_accounts').addColumn('digest', 'varchar(16)').execute();
  await db.schema
    .alterTable('sip_accounts')
    .addColumn('present_any_identity', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sip_accounts').dropColumn('present_any_identity').execute();
  await db.schema.alterTable('sip_accounts').dropColumn('digest').execute();
  await db.schema.alterTable('tenants').dropColumn('sip_digest').execute();
}
