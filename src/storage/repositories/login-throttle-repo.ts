import { type Kysely, sql } from 'kysely';
import type { Database, LoginThrottleTable } from '../schema.js';

export interface ThrottleCount {
  /** Attempts counted in the current window, this one included. */
  count: number;
  windowStart: number;
  windowMs: number;
  knownUntil: number;
}

export interface HitInput {
  key: string;
  kind: LoginThrottleTable['kind'];
  account: string | null;
  now: number;
  /** Length of a fresh window. */
  baseMs: number;
  /** Longest window: a window that reached `limit` doubles the next one, up to this. */
  maxMs: number;
  limit: number;
}

/**
 * Login-attempt counters. Every change is one statement, so concurrent requests never lose a
 * count: SQLite runs statements one at a time, PostgreSQL row-locks the conflicting row of an
 * INSERT … ON CONFLICT DO UPDATE. Inside DO UPDATE, `login_throttle.<col>` is the stored row's
 * value on both engines.
 */
export class LoginThrottleRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Counts one attempt (starting a new window if the old one is over) and returns the count. */
  async hit(h: HitInput): Promise<ThrottleCount> {
    const over = sql<boolean>`login_throttle.window_start + login_throttle.window_ms <= ${h.now}`;
    const nextWindow = sql<number>`CASE WHEN login_throttle.count >= ${h.limit}
        THEN (CASE WHEN login_throttle.window_ms * 2 > ${h.maxMs} THEN ${h.maxMs} ELSE login_throttle.window_ms * 2 END)
        ELSE ${h.baseMs} END`;
    const row = await this.db
      .insertInto('login_throttle')
      .values({
        key: h.key,
        kind: h.kind,
        account: h.account,
        count: 1,
        window_start: h.now,
        window_ms: h.baseMs,
        known_until: 0,
        updated_at: h.now,
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql<number>`CASE WHEN ${over} THEN 1 ELSE login_throttle.count + 1 END`,
          window_ms: sql<number>`CASE WHEN ${over} THEN ${nextWindow} ELSE login_throttle.window_ms END`,
          window_start: sql<number>`CASE WHEN ${over} THEN ${h.now} ELSE login_throttle.window_start END`,
          updated_at: h.now,
        }),
      )
      .returning(['count', 'window_start', 'window_ms', 'known_until'])
      .executeTakeFirstOrThrow();
    return {
      count: Number(row.count),
      windowStart: Number(row.window_start),
      windowMs: Number(row.window_ms),
      knownUntil: Number(row.known_until),
    };
  }

  /** Gives back the attempt of a login that succeeded; optionally marks the address known-good. */
  async refund(key: string, now: number, knownUntil?: number): Promise<void> {
    await this.db
      .updateTable('login_throttle')
      .set({
        count: sql<number>`CASE WHEN count > 0 THEN count - 1 ELSE 0 END`,
        updated_at: now,
        ...(knownUntil !== undefined ? { known_until: knownUntil } : {}),
      })
      .where('key', '=', key)
      .execute();
  }

  /** Admin unlock: every counter of one account (all its addresses) starts afresh. */
  async clearAccount(account: string, baseMs: number): Promise<void> {
    await this.db
      .updateTable('login_throttle')
      .set({ count: 0, window_ms: baseMs })
      .where('account', '=', account)
      .execute();
  }

  async get(key: string): Promise<LoginThrottleTable | undefined> {
    return this.db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
  }

  /** Drops rows idle for longer than the longest window that mark no known-good address. */
  async purge(idleBefore: number, now: number): Promise<number> {
    const r = await this.db
      .deleteFrom('login_throttle')
      .where('updated_at', '<', idleBefore)
      .where('known_until', '<', now)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
