import { type Kysely, sql } from 'kysely';

/**
 * Login throttling and API-key ownership (issue 11, findings 2, 3 and 8).
 *
 * login_throttle holds one atomic counter per throttled key: an account from one source address
 * (`pair`), an account from every address (`account`) and one source address across accounts
 * (`source`). Keys are SHA-256 of what the caller typed, not user ids, so an unknown account is
 * counted exactly like an existing one (no enumeration oracle) and no typed name is stored in
 * clear. The rows are platform security state, keyed before any tenant is known: no tenant_id.
 *
 * api_keys gains the user who owns the key (a key minted by a key belongs to the same person)
 * and an optional expiry. There is deliberately no foreign key on owner_user_id: deleting the
 * owner must leave the id dangling, so the key is refused, never mistaken for a tenant-level
 * key (owner null) as ON DELETE SET NULL would do.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    // the account key of pair/account rows (null for source rows): an admin unlock clears them all
    .addColumn('account', 'varchar(64)')
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_ms', 'bigint', (c) => c.notNull())
    // pair rows: until when this address counts as known-good for the account (0 = never)
    .addColumn('known_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_throttle_account').on('login_throttle').columns(['account']).execute();
  await db.schema
    .createIndex('login_throttle_updated')
    .on('login_throttle')
    .columns(['updated_at'])
    .execute();

  await db.schema.alterTable('api_keys').addColumn('owner_user_id', 'varchar(64)').execute();
  await db.schema.alterTable('api_keys').addColumn('expires_at', 'bigint').execute();
  await db.schema
    .createIndex('api_keys_owner')
    .on('api_keys')
    .columns(['tenant_id', 'owner_user_id'])
    .execute();
  // Existing keys: created by a user → that user owns it (even if since deleted: then it dies);
  // created by a key → the owner of that key (follow chains a few links deep).
  await sql`UPDATE api_keys SET owner_user_id = created_by WHERE created_by LIKE 'usr\\_%' ESCAPE '\\'`.execute(
    db,
  );
  for (let i = 0; i < 8; i++) {
    await sql`UPDATE api_keys SET owner_user_id = (
        SELECT p.owner_user_id FROM api_keys p
        WHERE p.id = api_keys.created_by AND p.tenant_id = api_keys.tenant_id)
      WHERE owner_user_id IS NULL AND created_by LIKE 'key\\_%' ESCAPE '\\'`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_owner').ifExists().execute();
  await db.schema.alterTable('api_keys').dropColumn('expires_at').execute();
  await db.schema.alterTable('api_keys').dropColumn('owner_user_id').execute();
  await db.schema.dropTable('login_throttle').ifExists().execute();
}
