import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DbOutboundPolicyStore } from '../../../src/storage/sip-ports.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Account = {
  id: string;
  username: string;
  classOfService: string;
  maxConcurrentOutbound: number | null;
  maxOutboundPerMinute: number | null;
};

/**
 * The toll-fraud settings over the API on both engines: a SIP account's class of service and
 * outbound limits (tenant admin), the tenant's limits (platform operator only), the policy
 * store reading what the API wrote, audit, and bad input with stable codes.
 */
for (const engine of ENGINES) {
  describe(`outbound policy settings [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let admin: string;
    let root: string;
    let tenantId: string;
    before(async () => {
      t = await testApp(engine);
      admin = await login(t.app, 'demo', 'admin');
      root = await login(t.app, 'operator', 'root', 'Switchboard@2026');
      tenantId = String(
        json(await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: admin } })).tenantId,
      );
    });
    after(async () => t?.close());

    const req = (cookie: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

    it('new accounts and demo agents are national with default limits (null)', async () => {
      const list = json<{ items: Account[] }>(await req(admin, 'GET', '/api/v1/sip-accounts'));
      for (const a of list.items) {
        assert.equal(a.classOfService, 'national');
        assert.equal(a.maxConcurrentOutbound, null);
        assert.equal(a.maxOutboundPerMinute, null);
      }
      const c = await req(admin, 'POST', '/api/v1/sip-accounts', {
        username: '3001',
        password: 'Phone#3001',
      });
      assert.equal(c.statusCode, 201, c.body);
      assert.equal(json<Account>(c).classOfService, 'national');
    });

    it('class and limits round-trip through the API and the policy store reads them', async () => {
      const c = await req(admin, 'POST', '/api/v1/sip-accounts', {
        username: '3002',
        password: 'Phone#3002',
        classOfService: 'internal',
        maxConcurrentOutbound: 1,
        maxOutboundPerMinute: 4,
      });
      assert.equal(c.statusCode, 201, c.body);
      const acc = json<Account>(c);
      assert.deepEqual(
        [acc.classOfService, acc.maxConcurrentOutbound, acc.maxOutboundPerMinute],
        ['internal', 1, 4],
      );
      const p = await req(admin, 'PATCH', `/api/v1/sip-accounts/${acc.id}`, {
        classOfService: 'international',
        maxOutboundPerMinute: null,
      });
      assert.equal(p.statusCode, 200, p.body);
      const got = json<Account>(await req(admin, 'GET', `/api/v1/sip-accounts/${acc.id}`));
      assert.deepEqual(
        [got.classOfService, got.maxConcurrentOutbound, got.maxOutboundPerMinute],
        ['international', 1, null],
      );
      const store = new DbOutboundPolicyStore(t.db.kysely);
      assert.deepEqual(await store.account(tenantId, '3002'), {
        classOfService: 'international',
        maxConcurrentOutbound: 1,
        maxOutboundPerMinute: null,
      });
      assert.equal(await store.account(tenantId, 'nobody'), undefined);
      assert.equal(await store.account('ten_other', '3002'), undefined, 'never across tenants');
      // a disabled account is no account for the policy
      await req(admin, 'PATCH', `/api/v1/sip-accounts/${acc.id}`, { enabled: false });
      assert.equal(await store.account(tenantId, '3002'), undefined);
      const audit = json<{ items: { resourceId: string; after: { classOfService?: string } }[] }>(
        await req(admin, 'GET', `/api/v1/audit-log?resourceType=sip_account&resourceId=${acc.id}&limit=100`),
      );
      assert.ok(
        audit.items.some((e) => e.resourceId === acc.id && e.after?.classOfService === 'international'),
        'the class change is audited',
      );
    });

    it('bad class or limits: 400 SWB_VALIDATION, nothing changed', async () => {
      const list = json<{ items: Account[] }>(await req(admin, 'GET', '/api/v1/sip-accounts?q=1001'));
      const id = list.items[0]!.id;
      for (const payload of [
        { classOfService: 'premium' },
        { classOfService: 'INTERNATIONAL' },
        { maxConcurrentOutbound: -1 },
        { maxConcurrentOutbound: 1.5 },
        { maxOutboundPerMinute: 10_000_000 },
        { maxOutboundPerMinute: '10' },
      ]) {
        const r = await req(admin, 'PATCH', `/api/v1/sip-accounts/${id}`, payload);
        assert.equal(r.statusCode, 400, `${JSON.stringify(payload)} → ${r.body}`);
        assert.equal(json(r).code, 'SWB_VALIDATION');
      }
      const a = json<Account>(await req(admin, 'GET', `/api/v1/sip-accounts/${id}`));
      assert.deepEqual([a.classOfService, a.maxConcurrentOutbound], ['national', null]);
    });

    it('tenant limits: the platform operator sets them, the tenant admin reads but cannot', async () => {
      const own = json(await req(admin, 'GET', `/api/v1/tenants/${tenantId}`));
      assert.equal(own.maxConcurrentOutbound, null);
      assert.equal(own.maxOutboundPerMinute, null);
      const denied = await req(admin, 'PATCH', `/api/v1/tenants/${tenantId}`, { maxOutboundPerMinute: 1000 });
      assert.equal(denied.statusCode, 403, denied.body);
      assert.equal(json(denied).code, 'SWB_FORBIDDEN');
      const set = await req(root, 'PATCH', `/api/v1/tenants/${tenantId}`, {
        maxConcurrentOutbound: 5,
        maxOutboundPerMinute: 30,
      });
      assert.equal(set.statusCode, 200, set.body);
      const store = new DbOutboundPolicyStore(t.db.kysely);
      assert.deepEqual(await store.tenant(tenantId), {
        maxConcurrentOutbound: 5,
        maxOutboundPerMinute: 30,
        denyPrefixes: [],
      });
      const back = await req(root, 'PATCH', `/api/v1/tenants/${tenantId}`, { maxConcurrentOutbound: null });
      assert.equal(json(back).maxConcurrentOutbound, null);
      assert.equal(json(back).maxOutboundPerMinute, 30);
      // the deny list: the tenant admin may set it (it only narrows what phones dial); normalised
      const deny = await req(admin, 'PATCH', `/api/v1/tenants/${tenantId}`, {
        outboundDenyPrefixes: ['+86 168', '00882', '+86168'],
      });
      assert.equal(deny.statusCode, 200, deny.body);
      assert.deepEqual(json(deny).outboundDenyPrefixes, ['+86168', '+882']);
      assert.deepEqual((await store.tenant(tenantId))?.denyPrefixes, ['+86168', '+882']);
      for (const list of [['168'], ['+0123'], ['+86abc']]) {
        const r = await req(admin, 'PATCH', `/api/v1/tenants/${tenantId}`, { outboundDenyPrefixes: list });
        assert.equal(r.statusCode, 400, `${list} → ${r.body}`);
        assert.equal(json(r).code, 'SWB_VALIDATION');
      }
      assert.deepEqual((await store.tenant(tenantId))?.denyPrefixes, ['+86168', '+882'], 'unchanged');
      const bad = await req(root, 'PATCH', `/api/v1/tenants/${tenantId}`, { maxConcurrentOutbound: -3 });
      assert.equal(bad.statusCode, 400);
      assert.equal(json(bad).code, 'SWB_VALIDATION');
    });
  });
}
