import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { seedDemo } from '../../src/demo/seed.js';
import { FakeClock } from '../../src/kernel/clock.js';
import { type Config, loadConfig } from '../../src/kernel/config.js';
import { createEventBus, type EventBus } from '../../src/kernel/domain-events.js';
import { silentLogger } from '../../src/kernel/logger.js';
import type { Db } from '../../src/storage/database.js';
import { type EngineCase, freshDb } from './engines.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  clock: FakeClock;
  config: Config;
  apiKey: string;
  bus: EventBus;
  close(): Promise<void>;
}

/** A seeded app (demo + operator tenants) on a fresh database, with a fake clock and cheap scrypt. */
export async function testApp(engine: EngineCase, overrides: Record<string, unknown> = {}): Promise<TestApp> {
  const { db, cleanup, dataDir, url } = await freshDb(engine);
  const config = loadConfig({
    env: {},
    overrides: {
      storage: { dataDir, databaseUrl: url },
      auth: { scryptCost: 1024 },
      log: { level: 'silent' },
      ...overrides,
    },
  });
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 8, 0, 0));
  const seed = await seedDemo({ db: db.kysely, clock, logger: silentLogger, auth: config.auth });
  const bus = createEventBus();
  const app = await buildApp({ config, db, clock, logger: silentLogger, bus });
  await app.ready();
  return {
    app,
    db,
    clock,
    config,
    apiKey: seed.developerApiKey!,
    bus,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** Logs in and returns the session cookie header value. */
export async function login(
  app: FastifyInstance,
  tenant: string,
  username: string,
  password = 'Demo@2026',
): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { tenant, username, password },
  });
  if (r.statusCode !== 200) throw new Error(`login ${tenant}/${username} failed: ${r.statusCode} ${r.body}`);
  const c = r.cookies.find((x) => x.name === 'swb_session');
  if (!c) throw new Error('no session cookie');
  return `swb_session=${c.value}`;
}

export function json<T = Record<string, unknown>>(r: LightMyRequestResponse): T {
  return JSON.parse(r.body) as T;
}
