import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = Record<string, unknown> & { id: string };

/**
 * Tenant isolation of trunks and numbers: tenant B's objects are 404 for tenant A by id, absent
 * from A's lists, filters and searches, unusable as references, and a number B owns cannot be
 * taken by A (409 without saying who owns it).
 */
for (const engine of ENGINES) {
  describe(`numbers and trunks tenant isolation [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let a: string;
    let b: string;
    const B = {} as { trunk: Obj; access: Obj; service: Obj };
    let bTenantId = '';

    before(async () => {
      t = await testApp(engine);
      const root = await login(t.app, 'operator', 'root', 'Switchboard@2026');
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tenants',
        headers: { cookie: root },
        payload: {
          name: 'Bravo Insurance',
          slug: 'bravo',
          timeZone: 'Europe/Paris',
          sipDomain: 'bravo.example.com',
          admin: { username: 'admin', password: 'BravoPass#1' },
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      bTenantId = json<Obj>(created).id;
      a = await login(t.app, 'demo', 'admin');
      b = await login(t.app, 'bravo', 'admin', 'BravoPass#1');
      const post = async (url: string, payload: Record<string, unknown>) => {
        const r = await t.app.inject({ method: 'POST', url, headers: { cookie: b }, payload });
        assert.equal(r.statusCode, 201, `${url}: ${r.body}`);
        return json<Obj>(r);
      };
      B.trunk = await post('/api/v1/trunks', { name: 'bravo-secret-trunk', host: '192.0.2.50' });
      B.access = await post('/api/v1/numbers', {
        number: '+33 1 44 55 66 77',
        kind: 'access',
        label: 'bravo-secret-access',
        trunkId: B.trunk.id,
        entryPoint: 'user:7001',
      });
      B.service = await post('/api/v1/numbers', {
        number: '400-800-9000',
        kind: '400',
        label: 'bravo-secret-400',
        accessNumberIds: [B.access.id],
        entryPoint: 'queue:bravo',
      });
    });
    after(async () => t?.close());

    const asA = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { cookie: a }, ...(payload ? { payload } : {}) });

    it("B's trunk and numbers are 404 for A by id (GET, PATCH, DELETE, rules)", async () => {
      const targets: [string, object][] = [
        [`/api/v1/trunks/${B.trunk.id}`, { name: 'stolen' }],
        [`/api/v1/numbers/${B.access.id}`, { label: 'stolen' }],
        [`/api/v1/numbers/${B.service.id}`, { label: 'stolen' }],
      ];
      for (const [url, patch] of targets) {
        for (const [method, body] of [['GET'], ['PATCH', patch], ['DELETE']] as const) {
          const r = await asA(method, url, body as object | undefined);
          assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
          assert.equal(json(r).code, 'SWB_NOT_FOUND');
        }
      }
      const rules = `/api/v1/numbers/${B.service.id}/routing-rules`;
      assert.equal((await asA('GET', rules)).statusCode, 404);
      assert.equal((await asA('PUT', rules, { rules: [{ entryPoint: 'user:1001' }] })).statusCode, 404);
      // still intact for B
      const mine = await t.app.inject({
        method: 'GET',
        url: `/api/v1/numbers/${B.service.id}`,
        headers: { cookie: b },
      });
      assert.equal(json<Obj>(mine).label, 'bravo-secret-400');
    });

    it("B's objects never appear in A's lists, filters or searches", async () => {
      const urls = [
        '/api/v1/trunks?limit=500',
        '/api/v1/trunks?q=bravo',
        '/api/v1/trunks?q=192.0.2',
        '/api/v1/numbers?limit=500',
        '/api/v1/numbers?q=bravo',
        '/api/v1/numbers?q=4008009000',
        '/api/v1/numbers?kind=400',
        '/api/v1/numbers?kind=access',
        `/api/v1/numbers?trunkId=${B.trunk.id}`,
      ];
      for (const url of urls) {
        const r = await asA('GET', url);
        assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
        assert.ok(!r.body.includes('bravo'), `${url} leaks: ${r.body}`);
        assert.ok(!r.body.includes(bTenantId), `${url} leaks the tenant id`);
        const ids = json<{ items: Obj[] }>(r).items.map((x) => x.id);
        for (const own of [B.trunk.id, B.access.id, B.service.id]) assert.ok(!ids.includes(own), url);
        // searches and filters aimed at B's objects find nothing at all
        if (/q=|trunkId=/.test(url)) assert.equal(ids.length, 0, url);
      }
    });

    it('a number owned by B cannot be created by A: 409 without revealing the owner', async () => {
      for (const number of ['4008009000', '+864008009000', '+33144556677']) {
        const r = await asA('POST', '/api/v1/numbers', {
          number,
          kind: number.includes('33') ? 'access' : '400',
        });
        assert.equal(r.statusCode, 409, r.body);
        assert.equal(json(r).code, 'SWB_NUMBER_TAKEN');
        assert.ok(!r.body.includes(bTenantId) && !r.body.toLowerCase().includes('bravo'), r.body);
      }
      // the answer for A's own number is the same
      const own = await asA('POST', '/api/v1/numbers', { number: '010-11112222', kind: 'did' });
      assert.equal(own.statusCode, 201);
      const dup = await asA('POST', '/api/v1/numbers', { number: '010-11112222', kind: 'did' });
      assert.equal(json(dup).code, 'SWB_NUMBER_TAKEN');
      assert.equal(
        json<{ message: string }>(dup).message.replace(/\+\d+/, 'N'),
        json<{ message: string }>(
          await asA('POST', '/api/v1/numbers', { number: '4008009000', kind: '400' }),
        ).message.replace(/\+\d+/, 'N'),
      );
    });

    it("A cannot reference B's trunk or bind B's access number (same answer as a missing one)", async () => {
      const withTrunk = await asA('POST', '/api/v1/numbers', {
        number: '010-22223333',
        kind: 'did',
        trunkId: B.trunk.id,
      });
      assert.equal(withTrunk.statusCode, 400);
      const missingTrunk = await asA('POST', '/api/v1/numbers', {
        number: '010-22223333',
        kind: 'did',
        trunkId: 'trk_missing0000000000',
      });
      assert.deepEqual(json(withTrunk), json(missingTrunk));
      const bound = await asA('POST', '/api/v1/numbers', {
        number: '4001110000',
        kind: '400',
        accessNumberIds: [B.access.id],
      });
      assert.equal(bound.statusCode, 400);
      const missing = await asA('POST', '/api/v1/numbers', {
        number: '4001110000',
        kind: '400',
        accessNumberIds: ['num_missing0000000000'],
      });
      assert.deepEqual(json(bound), json(missing));
    });

    it("route-test in A does not see B's numbers", async () => {
      for (const calledNumber of ['+33144556677', '4008009000']) {
        const r = await asA('POST', '/api/v1/numbers/route-test', { calledNumber });
        assert.equal(r.statusCode, 200, r.body);
        const d = json<Obj>(r);
        assert.equal(d.reason, 'unknown-number');
        assert.equal(d.tenantId, null);
        assert.ok(
          !r.body.includes('bravo') && !r.body.includes('user:7001') && !r.body.includes(bTenantId),
          r.body,
        );
      }
    });
  });
}
