import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
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
import * as m004 from './migrations/004-outbound-policy.js';
import * as m005 from './migrations/005-sip-auth.js';
import * as m006 from './migrations/006-login-and-keys.js';
import * as m007 from './migrations/007-trunk-trust.js';
import * as m011 from './migrations/011-acd.js';
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
  '004-outbound-policy': m004,
  '005-sip-auth': m005,
  '006-login-and-keys': m006,
  '007-trunk-trust': m007,
  '011-acd': m011,
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

/**
 * The data folder holds password hashes, sessions and (encrypted) carrier secrets: owner only.
 * The folder is made (or narrowed to) 0700 and the database file created (or narrowed to) 0600
 * before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode.
 */
export function restrictDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode;
  // a shared folder (sticky, like /tmp) or the filesystem root is not ours to narrow
  if ((mode & 0o1000) !== 0 || resolve(dir) === resolve('/')) return;
  if ((mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function restrictDbFile(file: string, ownFolder: boolean): void {
  // a folder named by a sqlite: URL may be shared (/tmp): created 0700 when missing, never narrowed
  if (ownFolder) restrictDir(resolve(file, '..'));
  else mkdirSync(resolve(file, '..'), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

function restrictSidecars(file: string): void {
  for (const f of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
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
  if (file !== ':memory:') restrictDbFile(file, !url.startsWith('sqlite:'));
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  if (file !== ':memory:') restrictSidecars(file);
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
