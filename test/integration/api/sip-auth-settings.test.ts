import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DbSipUserDirectory } from '../../../src/storage/sip-ports.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = { id: string; [k: string]: unknown };
const DOMAIN = 'demo.switchboard.local';

/**
 * Digest algorithm per tenant and per SIP account (account → tenant → config sip.digest) and the
 * per-account "may present another identity" flag, through the API and as the SIP directory
 * sees them, on both engines.
 */
for (const engine of ENGINES) {
  describe(`SIP digest choice and identity flag [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await testApp(engine);
      admin = await login(t.app, 'demo', 'admin');
    });
    after(async () => t?.close());

    const req = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, cookie = admin) =>
      t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const dir = () => new DbSipUserDirectory(t.db.kysely);

    it('by default nothing is chosen: accounts and tenant inherit, From must be the username', async () => {
      const s = json(await req('GET', '/api/v1/sip-settings'));
      assert.deepEqual(s, { digest: null });
      const list = json<{ items: Obj[] }>(await req('GET', '/api/v1/sip-accounts'));
      for (const a of list.items) {
        assert.equal(a.digest, null);
        assert.equal(a.presentAnyIdentity, false);
      }
      const u = await dir().lookup(DOMAIN, '1001');
      assert.equal(u?.algorithms, undefined);
      assert.equal(u?.presentAnyIdentity, undefined);
      assert.equal(await dir().challengeAlgorithms(DOMAIN, '1001'), undefined);
      assert.equal(await dir().challengeAlgorithms(DOMAIN, 'nobody'), undefined);
    });

    it('a tenant choice applies to every account and to unknown users alike (no oracle)', async () => {
      const r = await req('PATCH', '/api/v1/sip-settings', { digest: 'sha256+md5' });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(json(r), { digest: 'sha256+md5' });
      assert.deepEqual((await dir().lookup(DOMAIN, '1001'))?.algorithms, ['SHA-256', 'MD5']);
      assert.deepEqual(await dir().challengeAlgorithms(DOMAIN, '1001'), ['SHA-256', 'MD5']);
      assert.deepEqual(await dir().challengeAlgorithms(DOMAIN, 'nobody'), ['SHA-256', 'MD5']);
      const audit = json<{ items: { resourceType: string }[] }>(
        await req('GET', '/api/v1/audit-log?resourceType=sip_settings'),
      );
      assert.ok(audit.items.some((e) => e.resourceType === 'sip_settings'));
    });

    it('an account choice overrides the tenant; null inherits again', async () => {
      const list = json<{ items: Obj[] }>(await req('GET', '/api/v1/sip-accounts'));
      const a1002 = list.items.find((a) => a.username === '1002')!;
      const r = await req('PATCH', `/api/v1/sip-accounts/${a1002.id}`, { digest: 'md5' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(json(r).digest, 'md5');
      assert.deepEqual((await dir().lookup(DOMAIN, '1002'))?.algorithms, ['MD5']);
      assert.deepEqual(await dir().challengeAlgorithms(DOMAIN, '1002'), ['MD5']);
      await req('PATCH', `/api/v1/sip-accounts/${a1002.id}`, { digest: null });
      assert.deepEqual(await dir().challengeAlgorithms(DOMAIN, '1002'), ['SHA-256', 'MD5']);
      await req('PATCH', '/api/v1/sip-settings', { digest: null });
      assert.equal(await dir().challengeAlgorithms(DOMAIN, '1002'), undefined);
    });

    it('an account created with sha256 and presentAnyIdentity is seen so by the directory', async () => {
      const c = await req('POST', '/api/v1/sip-accounts', {
        username: 'pbx7',
        password: 'Pbx#Trunk77',
        digest: 'sha256',
        presentAnyIdentity: true,
      });
      assert.equal(c.statusCode, 201, c.body);
      assert.equal(json(c).presentAnyIdentity, true);
      const u = await dir().lookup(DOMAIN, 'pbx7');
      assert.deepEqual(u?.algorithms, ['SHA-256']);
      assert.equal(u?.presentAnyIdentity, true);
      const p = await req('PATCH', `/api/v1/sip-accounts/${json<Obj>(c).id}`, { presentAnyIdentity: false });
      assert.equal(json(p).presentAnyIdentity, false);
      assert.equal((await dir().lookup(DOMAIN, 'pbx7'))?.presentAnyIdentity, undefined);
    });

    it('refuses unknown algorithms with 400 SWB_VALIDATION, and non-managers with 403', async () => {
      for (const [url, body] of [
        ['/api/v1/sip-settings', { digest: 'sha512' }],
        ['/api/v1/sip-settings', { digest: 'MD5' }],
        ['/api/v1/sip-accounts', { username: 'x1', password: 'Phone#2001', digest: 'sha1' }],
      ] as const) {
        const r = await req(url.endsWith('settings') ? 'PATCH' : 'POST', url, body);
        assert.equal(r.statusCode, 400, r.body);
        assert.equal(json(r).code, 'SWB_VALIDATION');
      }
      const agent = await login(t.app, 'demo', '1001');
      assert.equal((await req('PATCH', '/api/v1/sip-settings', { digest: 'sha256' }, agent)).statusCode, 403);
      assert.equal((await req('GET', '/api/v1/sip-settings', undefined, agent)).statusCode, 403);
    });
  });
}
