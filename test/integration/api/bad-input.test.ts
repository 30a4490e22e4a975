import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

/** Every class of bad input: 4xx with a stable code and the one error shape; never a 500. */
describe('bad input', () => {
  let t: TestApp;
  let cookie: string;
  let roleId: string;
  before(async () => {
    t = await testApp(ENGINES[0]!, { http: { bodyLimitBytes: 4096 } });
    cookie = await login(t.app, 'demo', 'admin');
    const roles = json<{ items: { id: string; name: string }[] }>(
      await t.app.inject({ url: '/api/v1/roles?q=agent', headers: { cookie } }),
    );
    roleId = roles.items[0]!.id;
  });
  after(async () => t?.close());

  function expectError(r: { statusCode: number; body: string }, status: number, code: string) {
    assert.equal(r.statusCode, status, r.body);
    const b = json<{ code: string; message: string; details: unknown }>(r as never);
    assert.equal(b.code, code);
    assert.equal(typeof b.message, 'string');
    assert.equal(typeof b.details, 'object');
    assert.deepEqual(Object.keys(b).sort(), ['code', 'details', 'message']);
  }

  const post = (payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie, 'content-type': contentType },
      payload,
    });

  it('malformed JSON → 400 SWB_MALFORMED_JSON', async () => {
    for (const body of ['{', '{"username": }', 'nul', '{"a":1}}', '\u0000\u0001']) {
      expectError(await post(body), 400, 'SWB_MALFORMED_JSON');
    }
  });

  it('an empty JSON body → 400 SWB_MALFORMED_JSON', async () => {
    expectError(await post(''), 400, 'SWB_MALFORMED_JSON');
  });

  it('wrong types → 400 SWB_VALIDATION naming the field (no coercion of bodies)', async () => {
    const r = await post(JSON.stringify({ username: 1001, password: 'Password#1', roleId }));
    expectError(r, 400, 'SWB_VALIDATION');
    assert.match(r.body, /\/username/);
    expectError(await post(JSON.stringify([1, 2, 3])), 400, 'SWB_VALIDATION');
    expectError(await post('"a string"'), 400, 'SWB_VALIDATION');
    expectError(
      await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/roles/rol_abcdefgh',
        headers: { cookie },
        payload: { permissions: 'users:read' },
      }),
      400,
      'SWB_VALIDATION',
    );
  });

  it('missing required fields → 400 SWB_VALIDATION', async () => {
    const r = await post(JSON.stringify({ username: 'x' }));
    expectError(r, 400, 'SWB_VALIDATION');
    assert.match(r.body, /is required/);
  });

  it('unknown fields → 400 SWB_VALIDATION (never silently dropped)', async () => {
    const r = await post(JSON.stringify({ username: 'x9', password: 'Password#1', roleId, isRoot: true }));
    expectError(r, 400, 'SWB_VALIDATION');
    assert.match(r.body, /isRoot/);
    assert.match(r.body, /unknown field/);
    const q = await t.app.inject({ url: '/api/v1/users?admin=1', headers: { cookie } });
    expectError(q, 400, 'SWB_VALIDATION');
  });

  it('oversize bodies → 413 SWB_BODY_TOO_LARGE', async () => {
    const big = JSON.stringify({ username: 'x', password: 'p'.repeat(8000), roleId });
    expectError(await post(big), 413, 'SWB_BODY_TOO_LARGE');
  });

  it('invalid ids in the path → 400 SWB_INVALID_ID; well-formed unknown ids → 404', async () => {
    for (const id of ['1', 'DROP%20TABLE', 'usr_', 'usr_ABC', `usr_${'a'.repeat(60)}`, '%00']) {
      expectError(
        await t.app.inject({ url: `/api/v1/users/${id}`, headers: { cookie } }),
        400,
        'SWB_INVALID_ID',
      );
    }
    expectError(
      await t.app.inject({ url: '/api/v1/users/usr_doesnotexist', headers: { cookie } }),
      404,
      'SWB_NOT_FOUND',
    );
  });

  it('bad query parameters → 400 SWB_VALIDATION', async () => {
    for (const qs of ['limit=0', 'limit=100000', 'limit=abc', 'status=maybe', 'cursor=!!!notacursor']) {
      expectError(
        await t.app.inject({ url: `/api/v1/users?${qs}`, headers: { cookie } }),
        400,
        'SWB_VALIDATION',
      );
    }
  });

  it('unsupported content type → 415; unknown route → 404 SWB_ROUTE_NOT_FOUND', async () => {
    expectError(
      await post('username=x', 'application/x-www-form-urlencoded'),
      415,
      'SWB_UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(await t.app.inject({ url: '/api/v1/nope', headers: { cookie } }), 404, 'SWB_ROUTE_NOT_FOUND');
  });

  it('duplicates → 409 SWB_CONFLICT; invalid time zone → 400', async () => {
    expectError(
      await post(JSON.stringify({ username: 'admin', password: 'Password#1', roleId })),
      409,
      'SWB_CONFLICT',
    );
    const r = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${json(await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).tenantId}`,
      headers: { cookie },
      payload: { timeZone: 'Mars/Olympus' },
    });
    expectError(r, 400, 'SWB_VALIDATION');
  });

  it('a burst of random garbage never yields a 500', async () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 300; i++) {
      const len = rnd() % 200;
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode(rnd() % 128);
      const r = await post(s);
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${r.statusCode} for ${JSON.stringify(s)}`);
    }
  });

  it('echoes a sane x-request-id and generates one otherwise', async () => {
    const r = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(r.headers['x-request-id'], 'abc-123');
    const r2 = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(String(r2.headers['x-request-id']), /^req_/);
  });
});
