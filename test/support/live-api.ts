import { request } from 'node:http';
import { FakeClock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/kernel/config.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { createServer, type Server } from '../../src/server.js';
import type { EngineCase } from './engines.js';
import { until } from './wait-for.js';

/**
 * The server as `switchboard start` runs it (createServer + listen on 127.0.0.1, port 0, demo
 * seeded, SIP off), on a fresh database of the given engine, driven from outside over real
 * TCP. `clock` is injected so windows and expiries are advanced, never slept through.
 */
export interface LiveApi {
  server: Server;
  clock: FakeClock;
  port: number;
  apiKey: string;
  close(): Promise<void>;
}

export async function liveApi(engine: EngineCase, overrides: Record<string, unknown> = {}): Promise<LiveApi> {
  const target = await engine.create();
  const { auth, ...rest } = overrides as { auth?: Record<string, unknown> };
  const config = loadConfig({
    env: {},
    overrides: {
      http: { host: '127.0.0.1', port: 0 },
      sip: { enabled: false },
      storage: { dataDir: target.dataDir, databaseUrl: target.databaseUrl },
      auth: { scryptCost: 1024, ...(auth ?? {}) },
      log: { level: 'silent' },
      ...rest,
    },
  });
  const clock = new FakeClock(Date.UTC(2026, 11, 3, 8, 0, 0));
  const server = await createServer(config, { logger: silentLogger, clock });
  const url = new URL(await server.listen());
  return {
    server,
    clock,
    port: Number(url.port),
    apiKey: server.seed.developerApiKey!,
    async close() {
      await server.close();
      await target.cleanup();
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpCall {
  method?: string;
  /** Sent byte for byte as the request target: no normalisation by the client. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Source address (any of 127.0.0.0/8 works on Linux loopback). */
  from?: string;
}

/** One request on its own connection, from the given source address. */
export function http(port: number, c: HttpCall): Promise<HttpAnswer> {
  const body = c.body === undefined ? undefined : JSON.stringify(c.body);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const r = request(
      {
        host: '127.0.0.1',
        port,
        method: c.method ?? (body ? 'POST' : 'GET'),
        path: c.path,
        agent: false,
        localAddress: c.from ?? '127.0.0.1',
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(c.headers ?? {}) },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: data,
            ms: performance.now() - t0,
            json: <T>() => JSON.parse(data) as T,
          }),
        );
      },
    );
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

export function loginCall(tenant: string, username: string, password: string, from?: string): HttpCall {
  return {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { tenant, username, password },
    ...(from ? { from } : {}),
  };
}

/** Session cookie of a successful login (throws otherwise). */
export async function sessionCookie(
  port: number,
  tenant: string,
  username: string,
  password = 'Demo@2026',
  from?: string,
): Promise<string> {
  const r = await http(port, loginCall(tenant, username, password, from));
  if (r.status !== 200) throw new Error(`login ${tenant}/${username}: ${r.status} ${r.body}`);
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const c = set.find((s) => s.startsWith('swb_session='));
  if (!c) throw new Error('no session cookie');
  return c.split(';')[0]!;
}

/** Polls `probe` until it returns true or the deadline passes (the one `until`). */
export async function waitFor(
  probe: () => Promise<boolean>,
  what: string,
  deadlineMs = 10_000,
): Promise<void> {
  await until(what, probe, { deadlineMs });
}
