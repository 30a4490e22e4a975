import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, type Migration, Migrator } from 'kysely';
import { type Db, migrate, openDb } from '../../../src/storage/database.js';
import * as m001 from '../../../src/storage/migrations/001-foundation.js';
import * as m002 from '../../../src/storage/migrations/002-sip.js';
import * as m003 from '../../../src/storage/migrations/003-numbers.js';
import { ENGINES } from '../../support/engines.js';

/**
 * Migration 006 gives existing API keys an owner: a key created by a user belongs to that user
 * (even one since deleted: then the key is refused), a key created by a key belongs to that
 * key's owner, a system key stays tenant-level.
 */
for (const engine of ENGINES) {
  describe(`migration 006 backfills API-key owners [${engine.name}]`, { skip: engine.skip }, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => {
      const target = await engine.create();
      cleanup = target.cleanup;
      db = openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
      const old: Record<string, Migration> = { '001-foundation': m001, '002-sip': m002, '003-numbers': m003 };
      const { error } = await new Migrator({
        db: db.kysely,
        provider: { getMigrations: async () => old },
      }).migrateToLatest();
      assert.ifError(error);
    });
    after(async () => {
      await db?.close();
      await cleanup?.();
    });

    it('owner from created_by, through chains of keys', async () => {
      // rows as the 003 schema had them (no owner_user_id/expires_at yet)
      const k = db.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await k
        .insertInto('tenants')
        .values({
          id: 'ten_a',
          name: 'A',
          slug: 'a',
          kind: 'client',
          status: 'active',
          time_zone: 'UTC',
          created_at: 1,
          updated_at: 1,
        })
        .execute();
      await k
        .insertInto('roles')
        .values({
          id: 'rol_a',
          tenant_id: 'ten_a',
          name: 'r',
          description: '',
          builtin: 0,
          scope: 'tenant',
          permissions: '[]',
          created_at: 1,
          updated_at: 1,
        })
        .execute();
      const key = (id: string, created_by: string | null) => ({
        id,
        tenant_id: 'ten_a',
        name: id,
        key_hash: 'h',
        role_id: 'rol_a',
        created_by,
        created_at: 1,
      });
      await k
        .insertInto('api_keys')
        .values([
          key('key_1', 'usr_alice'),
          key('key_2', 'key_1'),
          key('key_3', 'key_2'),
          key('key_4', 'system'),
          key('key_5', 'key_4'),
          key('key_6', null),
        ])
        .execute();
      await migrate(db);
      const rows = await db.kysely
        .selectFrom('api_keys')
        .select(['id', 'owner_user_id', 'expires_at'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.owner_user_id, r.expires_at]),
        [
          ['key_1', 'usr_alice', null],
          ['key_2', 'usr_alice', null],
          ['key_3', 'usr_alice', null],
          ['key_4', null, null],
          ['key_5', null, null],
          ['key_6', null, null],
        ],
      );
    });
  });
}
