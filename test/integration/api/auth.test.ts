import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

for (const engine of ENGINES) {
  describe(`auth [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(engine);
    });
    after(async () => t?.close());

    it('login sets an HttpOnly session cookie and /auth/me names the principal', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { tenant: 'demo', username: 'admin', password: 'Demo@2026' },
      });
      assert.equal(r.statusCode, 200);
      const c = r.cookies.find((x) => x.name === 'swb_session');
      assert.ok(c?.httpOnly);
      assert.equal(c?.sameSite, 'Lax');
      const me = await t.app.inject({
        url: '/api/v1/auth/me',
        headers: { cookie: `swb_session=${c!.value}` },
      });
      assert.equal(me.statusCode, 200);
      assert.ok(json<{ permissions: string[] }>(me).permissions.includes('users:manage'));
    });

    it('answers the same 401 for a wrong password, an unknown user and an unknown tenant', async () => {
      for (const payload of [
        { tenant: 'demo', username: 'admin', password: 'wrong-password' },
        { tenant: 'demo', username: 'nobody', password: 'Demo@2026' },
        { tenant: 'nosuch', username: 'admin', password: 'Demo@2026' },
      ]) {
        const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
        assert.equal(r.statusCode, 401);
        assert.deepEqual(json(r), {
          code: 'SWB_BAD_CREDENTIALS',
          message: 'Invalid credentials',
          details: {},
        });
      }
    });

    it('failures from many addresses throttle new addresses for the account (429), not a known-good one; unlock clears', async () => {
      const attempt = (password: string, remoteAddress: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { tenant: 'demo', username: '1003', password },
          remoteAddress,
        });
      assert.equal((await attempt('Demo@2026', '10.0.9.9')).statusCode, 200); // the owner's address
      for (let i = 0; i < t.config.auth.accountMaxFailures; i++) {
        assert.equal((await attempt('not-the-password', `10.0.0.${i}`)).statusCode, 401);
      }
      const throttled = await attempt('Demo@2026', '10.0.1.1');
      assert.equal(throttled.statusCode, 429);
      assert.equal(json(throttled).code, 'SWB_RATE_LIMITED');
      assert.equal(throttled.headers['retry-after'], String(t.config.auth.failureWindowSeconds));
      assert.equal(
        (await attempt('Demo@2026', '10.0.9.9')).statusCode,
        200,
        'known-good address still works',
      );
      const admin = await login(t.app, 'demo', 'admin');
      const u = json<{ items: { id: string; lockedUntil: string | null }[] }>(
        await t.app.inject({ url: '/api/v1/users?q=1003', headers: { cookie: admin } }),
      ).items[0]!;
      assert.ok(u.lockedUntil, 'the user row shows until when new addresses are throttled');
      const unlock = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${u.id}`,
        headers: { cookie: admin },
        payload: { unlock: true },
      });
      assert.equal(unlock.statusCode, 200);
      assert.equal((await attempt('Demo@2026', '10.0.1.1')).statusCode, 200, 'unlocked');
      t.clock.advance(901_000);
    });

    it('throttles one source address that sprays failed logins (429)', async () => {
      let last = 0;
      for (let i = 0; i <= t.config.auth.sourceMaxFailures; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { tenant: 'demo', username: `ghost${i}`, password: 'x' },
          remoteAddress: '192.0.2.77',
        });
        last = r.statusCode;
      }
      assert.equal(last, 429);
      t.clock.advance(901_000);
    });

    it('rejects requests without credentials with 401 SWB_UNAUTHENTICATED', async () => {
      const r = await t.app.inject({ url: '/api/v1/users' });
      assert.equal(r.statusCode, 401);
      assert.equal(json(r).code, 'SWB_UNAUTHENTICATED');
      const bogus = await t.app.inject({ url: '/api/v1/users', headers: { cookie: 'swb_session=forged' } });
      assert.equal(bogus.statusCode, 401);
    });

    it('logout ends the session', async () => {
      const cookie = await login(t.app, 'demo', 'manager');
      assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 200);
      const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
      assert.equal(out.statusCode, 204);
      assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 401);
    });

    it('sessions expire after sessionTtlSeconds', async () => {
      const cookie = await login(t.app, 'demo', 'qa');
      t.clock.advance(t.config.auth.sessionTtlSeconds * 1000 + 1);
      assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 401);
    });

    it('a changed password ends existing sessions and the old password stops working', async () => {
      const admin = await login(t.app, 'demo', 'admin');
      const victim = await login(t.app, 'demo', 'planner');
      const users = json<{ items: { id: string }[] }>(
        await t.app.inject({ url: '/api/v1/users?q=planner', headers: { cookie: admin } }),
      );
      const id = users.items[0]!.id;
      const r = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${id}`,
        headers: { cookie: admin },
        payload: { password: 'NewPassword#1' },
      });
      assert.equal(r.statusCode, 200);
      assert.equal(
        (await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: victim } })).statusCode,
        401,
      );
      await assert.rejects(login(t.app, 'demo', 'planner'));
      await login(t.app, 'demo', 'planner', 'NewPassword#1');
    });

    it('people changing their own password must give the current one', async () => {
      const cookie = await login(t.app, 'demo', '1002');
      const me = json(await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } }));
      const url = `/api/v1/users/${me.userId}`;
      const patch = (payload: Record<string, string>) =>
        t.app.inject({ method: 'PATCH', url, headers: { cookie }, payload });
      const missing = await patch({ password: 'Brand#New1' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /currentPassword/);
      assert.equal((await patch({ password: 'Brand#New1', currentPassword: 'wrong-one' })).statusCode, 400);
      await login(t.app, 'demo', '1002'); // the old password still works
      const ok = await patch({ password: 'Brand#New1', currentPassword: 'Demo@2026' });
      assert.equal(ok.statusCode, 200);
      const fresh = await login(t.app, 'demo', '1002', 'Brand#New1');
      assert.equal(
        (await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
        401,
        'a new password ends the sessions opened with the old one',
      );
      const other = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${json<{ items: { id: string }[] }>(await t.app.inject({ url: '/api/v1/users?q=1001', headers: { cookie: await login(t.app, 'demo', 'admin') } })).items[0]!.id}`,
        headers: { cookie: fresh },
        payload: { password: 'Hijack#123', currentPassword: 'Brand#New1' },
      });
      assert.ok([403, 404].includes(other.statusCode), "an agent cannot set another user's password");
    });

    it('API keys: shown once, authenticate as Bearer, stop working when revoked', async () => {
      const me = await t.app.inject({
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${t.apiKey}` },
      });
      assert.equal(me.statusCode, 200);
      assert.equal(json(me).actorType, 'api_key');
      const admin = await login(t.app, 'demo', 'admin');
      const roles = json<{ items: { id: string; name: string }[] }>(
        await t.app.inject({ url: '/api/v1/roles?limit=100', headers: { cookie: admin } }),
      );
      const dev = roles.items.find((r) => r.name === 'developer')!;
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { cookie: admin },
        payload: { name: 'crm integration', roleId: dev.id },
      });
      assert.equal(created.statusCode, 201);
      const body = json<{ id: string; key: string }>(created);
      assert.match(body.key, /^swb_key_[0-9a-z]+\.[A-Za-z0-9_-]+$/);
      const listed = await t.app.inject({ url: '/api/v1/api-keys', headers: { cookie: admin } });
      assert.ok(!listed.body.includes(body.key.split('.')[1]!), 'the secret is never listed');
      const auth = { authorization: `Bearer ${body.key}` };
      assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers: auth })).statusCode, 200);
      const wrong = { authorization: `Bearer ${body.key.slice(0, -2)}xx` };
      assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers: wrong })).statusCode, 401);
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${body.id}`,
        headers: { cookie: admin },
      });
      assert.equal(del.statusCode, 204);
      assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers: auth })).statusCode, 401);
    });
  });
}
