import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { SwbError } from '../kernel/errors.js';
import * as m001 from './migrations/001-foundation.js';
import * as m002 from './migrations/002-sip.js';
import * as m003 from './migrations/003-numbers.js';
import * as m005 from './migrations/005-sip-auth.js';
import type { Database } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly engine: Engine;
  /** Human-readable location (file path or postgres host/db, never the password). */
  readonly location: string;
  close(): Promise<void>;
}

/** Every migration, in order. Append only; never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '001-foundation': m001,
  '002-sip': m002,
  '003-numbers': m003,
  '005-sip-auth': m005,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export interface OpenDbOptions {
  /** postgres://… or sqlite:path; empty means SQLite at <dataDir>/switchboard.db */
  databaseUrl: string;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  poolMax?: number;
}

function int8AsNumber(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === 20) return (v: string) => Number(v); // int8 → number (epoch millis fit in 2^53)
      return pg.types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export function openDb(opts: OpenDbOptions): Db {
  const url = opts.databaseUrl.trim();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 10, types: int8AsNumber() });
    pool.on('error', () => {
      // idle client errors (server restart) must not crash the process; the next query reports it
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(url);
    return {
      kysely,
      engine: 'postgres',
      location: `postgres://${u.host}${u.pathname}`,
      close: () => kysely.destroy(),
    };
  }
  let file: string;
  if (url.startsWith('sqlite:')) file = url.slice('sqlite:'.length).replace(/^\/\//, '');
  else file = resolve(opts.dataDir, 'switchboard.db');
  if (file !== ':memory:') mkdirSync(resolve(file, '..'), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: an acknowledged commit survives a crash of the process and of the machine.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, engine: 'sqlite', location: file, close: () => kysely.destroy() };
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new SwbError(
      'SWB_STORAGE',
      { reason: `migration failed: ${(error as Error).message}` },
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: new StaticProvider() });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}
