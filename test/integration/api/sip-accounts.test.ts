import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeHa1 } from '../../../src/sip/registrar/digest-auth.js';
import { DbLocationStore, DbSipUserDirectory } from '../../../src/storage/sip-ports.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = { id: string; [k: string]: unknown };

for (const engine of ENGINES) {
  describe(`SIP accounts and location service [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let admin: string;
    let tenantId: string;
    before(async () => {
      t = await testApp(engine);
      admin = await login(t.app, 'demo', 'admin');
      tenantId = String(
        json(await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: admin } })).tenantId,
      );
    });
    after(async () => t?.close());

    const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

    it('the demo agents have SIP accounts in the demo domain; passwords never leave the server', async () => {
      const r = json<{ items: Obj[] }>(await req('GET', '/api/v1/sip-accounts'));
      assert.deepEqual(r.items.map((a) => a.username).sort(), ['1001', '1002', '1003']);
      for (const a of r.items) {
        assert.equal(a.domain, 'demo.switchboard.local');
        assert.equal(a.usable, true);
      }
      assert.ok(!JSON.stringify(r).match(/ha1|password/i));
    });

    it('the directory answers digest HA1s by domain and user, case-insensitively on the domain', async () => {
      const dir = new DbSipUserDirectory(t.db.kysely);
      const u = await dir.lookup('Demo.Switchboard.Local', '1001');
      assert.equal(u?.tenantId, tenantId);
      assert.equal(u?.ha1Md5, computeHa1('MD5', '1001', 'demo.switchboard.local', 'Demo@2026'));
      assert.equal(u?.ha1Sha256, computeHa1('SHA-256', '1001', 'demo.switchboard.local', 'Demo@2026'));
      assert.equal(await dir.lookup('demo.switchboard.local', '9999'), undefined);
      assert.equal(await dir.lookup('other.example', '1001'), undefined);
      assert.equal(await dir.tenantOfDomain('demo.switchboard.local'), tenantId);
    });

    it('create, disable (directory stops answering), new password, delete (registrations go too)', async () => {
      const c = await req('POST', '/api/v1/sip-accounts', { username: '2001', password: 'Phone#2001' });
      assert.equal(c.statusCode, 201, c.body);
      const acc = json<Obj>(c);
      const dir = new DbSipUserDirectory(t.db.kysely);
      assert.ok(await dir.lookup('demo.switchboard.local', '2001'));
      assert.equal(
        (await req('POST', '/api/v1/sip-accounts', { username: '2001', password: 'Phone#2001' })).statusCode,
        409,
      );
      await req('PATCH', `/api/v1/sip-accounts/${acc.id}`, { enabled: false });
      assert.equal(await dir.lookup('demo.switchboard.local', '2001'), undefined);
      await req('PATCH', `/api/v1/sip-accounts/${acc.id}`, { enabled: true, password: 'Phone#2002' });
      const u = await dir.lookup('demo.switchboard.local', '2001');
      assert.equal(u?.ha1Md5, computeHa1('MD5', '2001', 'demo.switchboard.local', 'Phone#2002'));
      const loc = new DbLocationStore(t.db.kysely);
      const src = {
        transport: 'udp' as const,
        remoteAddress: '127.0.0.1',
        remotePort: 5062,
        localAddress: '127.0.0.1',
        localPort: 5060,
      };
      await loc.save(tenantId, 'sip:2001@demo.switchboard.local', [
        {
          contact: 'sip:2001@127.0.0.1:5062',
          expiresAt: t.clock.now() + 60_000,
          callId: 'c1',
          cseq: 2,
          source: src,
        },
      ]);
      assert.equal((await loc.lookup(tenantId, 'sip:2001@demo.switchboard.local', t.clock.now())).length, 1);
      assert.equal((await req('DELETE', `/api/v1/sip-accounts/${acc.id}`)).statusCode, 204);
      assert.equal((await loc.lookup(tenantId, 'sip:2001@demo.switchboard.local', t.clock.now())).length, 0);
      const audit = json<{ items: Obj[] }>(await req('GET', `/api/v1/audit-log?resourceId=${acc.id}`));
      assert.deepEqual(
        audit.items.map((e) => e.action),
        ['create', 'update', 'update', 'delete'],
      );
      assert.ok(!JSON.stringify(audit).includes('ha1'));
    });

    it('the location store keeps bindings per tenant, expires them, and replaces them per AOR', async () => {
      const loc = new DbLocationStore(t.db.kysely);
      const src = {
        transport: 'tcp' as const,
        remoteAddress: '127.0.0.1',
        remotePort: 40000,
        localAddress: '127.0.0.1',
        localPort: 5060,
        connectionId: 'c9',
      };
      const now = t.clock.now();
      await loc.save(tenantId, 'sip:1002@demo.switchboard.local', [
        {
          contact: 'sip:1002@10.0.0.2:5060',
          expiresAt: now + 1000,
          callId: 'a',
          cseq: 1,
          source: src,
          q: 0.5,
          userAgent: 'Yealink',
        },
        { contact: 'sip:1002@10.0.0.3:5060', expiresAt: now + 5000, callId: 'b', cseq: 1, source: src },
      ]);
      const both = await loc.lookup(tenantId, 'SIP:1002@demo.switchboard.local', now);
      assert.equal(both.length, 2);
      assert.deepEqual(both.find((b) => b.q === 0.5)?.source, src);
      assert.equal((await loc.lookup('ten_other', 'sip:1002@demo.switchboard.local', now)).length, 0);
      assert.equal((await loc.lookup(tenantId, 'sip:1002@demo.switchboard.local', now + 2000)).length, 1);
      await loc.purgeExpired(now + 2000);
      assert.equal(await loc.count(tenantId), 1);
      await loc.save(tenantId, 'sip:1002@demo.switchboard.local', []);
      assert.equal(await loc.count(tenantId), 0);
    });

    it('a tenant without a SIP domain cannot create SIP accounts; changing the domain makes accounts unusable', async () => {
      const me = json(await req('GET', '/api/v1/auth/me'));
      const root = await login(t.app, 'operator', 'root', 'Switchboard@2026');
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/tenants/${me.tenantId}`,
        headers: { cookie: root },
        payload: { sipDomain: 'new.switchboard.local' },
      });
      const list = json<{ items: Obj[] }>(await req('GET', '/api/v1/sip-accounts'));
      assert.ok(list.items.every((a) => a.usable === false));
      const dir = new DbSipUserDirectory(t.db.kysely);
      assert.equal(await dir.lookup('new.switchboard.local', '1001'), undefined);
      const a1001 = list.items.find((a) => a.username === '1001')!;
      await req('PATCH', `/api/v1/sip-accounts/${a1001.id}`, { password: 'Again#1001' });
      assert.ok(await dir.lookup('new.switchboard.local', '1001'));
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/tenants/${me.tenantId}`,
        headers: { cookie: root },
        payload: { sipDomain: null },
      });
      const r = await req('POST', '/api/v1/sip-accounts', { username: '3001', password: 'Phone#3001' });
      assert.equal(r.statusCode, 400);
    });
  });
}
