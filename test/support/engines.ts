import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Db, migrate, openDb } from '../../src/storage/database.js';

/**
 * Storage suites run once per engine. PostgreSQL needs SWB_TEST_PG_URL (scripts/test-all.sh
 * starts a local server and sets it). In CI a missing PostgreSQL is a failure, never a skip.
 */
export const PG_URL = process.env.SWB_TEST_PG_URL;

export interface EngineCase {
  name: 'sqlite' | 'postgres';
  /** Reason to skip, only outside CI. */
  skip: string | false;
  /** A fresh empty database; returns its URL config and a cleanup. */
  create(): Promise<{ databaseUrl: string; dataDir: string; cleanup(): Promise<void> }>;
}

export const ENGINES: EngineCase[] = [
  {
    name: 'sqlite',
    skip: false,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'swb-test-'));
      return {
        databaseUrl: '',
        dataDir: dir,
        async cleanup() {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: PG_URL ? false : process.env.CI ? false : 'SWB_TEST_PG_URL not set (scripts/test-all.sh sets it)',
    async create() {
      if (!PG_URL)
        throw new Error('SWB_TEST_PG_URL is required in CI: PostgreSQL storage tests cannot be skipped');
      const name = `swb_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(PG_URL);
      u.pathname = `/${name}`;
      const dir = mkdtempSync(join(tmpdir(), 'swb-test-'));
      return {
        databaseUrl: u.toString(),
        dataDir: dir,
        async cleanup() {
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** Opens a migrated database of the given engine. */
export async function freshDb(
  engine: EngineCase,
): Promise<{ db: Db; cleanup(): Promise<void>; url: string; dataDir: string }> {
  const target = await engine.create();
  const db = openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  await migrate(db);
  return {
    db,
    url: target.databaseUrl,
    dataDir: target.dataDir,
    async cleanup() {
      await db.close();
      await target.cleanup();
    },
  };
}
