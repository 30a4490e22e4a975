import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from '../../support/engines.js';
import { type HttpAnswer, http, type LiveApi, liveApi, sessionCookie } from '../../support/live-api.js';

/**
 * Issue 11 finding 7: the auth hook matched the raw URL while the router percent-decodes, so
 * `GET /%61pi/v1/auth/me` reached the handler unauthenticated (500 with a TypeError) and
 * `/%61pi/v1/users` answered 401 even to a valid key. Sent over raw HTTP (request target byte
 * for byte). Rule under test: a path that routes gets the same answer as its canonical form,
 * with or without credentials; a path that does not route gets the same 404/400 either way;
 * never a 500, and every error body carries a stable SWB_* code.
 */
const CANONICAL = ['/api/v1/auth/me', '/api/v1/users', '/api/v1/api-keys', '/api/v1/roles'];

/** Hand-written attack list: encodings, dot segments, slashes, case, parameters, overlong UTF-8. */
function handVariants(p: string): string[] {
  const tail = p.slice('/api/'.length);
  return [
    `/%61pi/${tail}`,
    `/%41pi/${tail}`,
    `/a%70i/${tail}`,
    `/ap%69/${tail}`,
    `/api%2F${tail}`,
    `/api%2f${tail}`,
    `/api/${tail.replace('v1', 'v%31')}`,
    `/api/v1/../${tail}`,
    `/api/v1/%2e%2e/${tail}`,
    `/api/./${tail}`,
    `//api/${tail}`,
    `/api//${tail}`,
    `${p}/`,
    `${p}//`,
    `${p.toUpperCase()}`,
    `/API/${tail}`,
    `${p};x=1`,
    `/api;x/${tail}`,
    `${p}%00`,
    `${p}%20`,
    `${p}\\`,
    `/%2561pi/${tail}`,
    `/%C1%A1pi/${tail}`, // overlong UTF-8 for 'a'
    `/%E0%81%A1pi/${tail}`,
    `/%F0%80%81%A1pi/${tail}`,
    `/%u0061pi/${tail}`,
    `/%ZZpi/${tail}`,
    `/%/${tail}`,
    `/api/v1/docs/../${tail.slice(3)}`,
    `/api/v1/docs/%2e%2e/${tail.slice(3)}`,
    `http://127.0.0.1/%61pi/${tail}`,
    `${p}?x=%00`,
    `${p}#frag`,
  ];
}

/** Seeded random mutations: percent-encode characters (either hex case), insert separators. */
function fuzzVariants(p: string, n: number, seed: number): string[] {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const junk = ['/', '.', '..', ';', '%2F', '%2e', '%00', '%C0%AF', '%25', '//', '\\', '%5C'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let v = '';
    for (const ch of p) {
      const r = rnd();
      if (r < 0.25 && ch !== '/') {
        const hex = ch.charCodeAt(0).toString(16);
        v += `%${rnd() < 0.5 ? hex : hex.toUpperCase()}`;
      } else if (r < 0.3) v += ch.toUpperCase();
      else v += ch;
      if (rnd() < 0.04) v += junk[Math.floor(rnd() * junk.length)];
    }
    out.push(v);
  }
  return out;
}

/** The path as the router sees it (percent-decoded, fragment dropped); null with a query. */
function decodes(v: string): string | null {
  if (/[?#]/.test(v)) return null; // the router reads a query after ? or #: validated, other answer
  try {
    return decodeURIComponent(v.replace(/^http:\/\/[^/]+/, ''));
  } catch {
    return null;
  }
}

describe('auth decision on normalised paths (raw HTTP)', () => {
  let api: LiveApi;
  let creds: Record<string, Record<string, string>>;
  before(async () => {
    api = await liveApi(ENGINES[0]!);
    const cookie = await sessionCookie(api.port, 'demo', 'admin');
    creds = { none: {}, key: { authorization: `Bearer ${api.apiKey}` }, cookie: { cookie } };
  });
  after(async () => api?.close());

  const ask = (path: string, headers: Record<string, string>) => http(api.port, { path, headers });
  const check = (r: HttpAnswer, what: string) => {
    assert.notEqual(r.status, 500, `${what}: ${r.body}`);
    if (r.status >= 400) assert.match(r.json<{ code: string }>().code, /^SWB_[A-Z_]+$/, `${what}: ${r.body}`);
  };

  /** Checks every variant; returns how many reached a handler. */
  async function verify(canonical: string, variants: string[]): Promise<number> {
    let routed = 0;
    const want: Record<string, HttpAnswer> = {};
    for (const [c, h] of Object.entries(creds)) want[c] = await ask(canonical, h);
    assert.equal(want.none!.status, 401);
    for (const v of variants) {
      const got: Record<string, HttpAnswer> = {};
      for (const [c, h] of Object.entries(creds)) {
        got[c] = await ask(v, h);
        check(got[c]!, `${c} ${v}`);
      }
      const code = got.key!.status >= 400 ? got.key!.json<{ code: string }>().code : '';
      if (code === 'SWB_ROUTE_NOT_FOUND' || code === 'SWB_BAD_URL') {
        // not routed: nobody gets past; the same answer with or without credentials
        assert.equal(got.none!.status, got.key!.status, `${v}: ${got.none!.body}`);
        assert.equal(got.cookie!.status, got.key!.status, v);
        continue;
      }
      // it reached a handler: authentication ran first, exactly as on the canonical path
      routed++;
      assert.equal(got.none!.status, 401, `none ${v}: ${got.none!.body}`);
      assert.equal(got.none!.json().code, 'SWB_UNAUTHENTICATED');
      for (const c of ['key', 'cookie']) assert.notEqual(got[c]!.status, 401, `${c} ${v}: ${got[c]!.body}`);
      if (decodes(v) === canonical) {
        for (const c of Object.keys(creds))
          assert.equal(got[c]!.status, want[c]!.status, `${c} ${v}: ${got[c]!.body}`);
      }
    }
    return routed;
  }

  it('/%61pi/v1/auth/me is authenticated like /api/v1/auth/me (was 500 SWB_INTERNAL)', async () => {
    const none = await ask('/%61pi/v1/auth/me', {});
    assert.equal(none.status, 401, none.body);
    assert.equal(none.json().code, 'SWB_UNAUTHENTICATED');
    const key = await ask('/%61pi/v1/auth/me', creds.key!);
    assert.equal(key.status, 200, key.body);
    assert.equal(key.json().actorType, 'api_key');
  });

  for (const p of CANONICAL) {
    it(`hand-written variants of ${p}`, async () => {
      assert.ok((await verify(p, handVariants(p))) >= 5, 'encoded variants reach the handler');
    });
  }

  it('fuzzed variants (seeded) of every canonical path', async () => {
    let routed = 0;
    for (const [i, p] of CANONICAL.entries()) routed += await verify(p, fuzzVariants(p, 40, 7919 * (i + 1)));
    assert.ok(
      routed >= 20 && routed <= 150,
      `${routed} of 160 fuzzed paths routed: the fuzz exercises both sides`,
    );
  });

  it('public routes stay public, and an undecodable URL is 400 SWB_BAD_URL', async () => {
    for (const p of ['/api/v1/docs', '/api/v1/docs/json', '/api/v1/openapi.json', '/healthz', '/metrics']) {
      const r = await ask(p, {});
      assert.ok(r.status === 200 || r.status === 302, `${p}: ${r.status}`);
    }
    const bad = await ask('/%C1%A1pi/v1/auth/me', {});
    assert.equal(bad.status, 400);
    assert.equal(bad.json().code, 'SWB_BAD_URL');
  });
});
