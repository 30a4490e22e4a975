import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = { id: string };

/**
 * Tenant isolation: a user of tenant A gets 404 for every object of tenant B, by id (GET,
 * PATCH, DELETE), by list filter and by search; B's objects never appear in A's lists.
 */
for (const engine of ENGINES) {
  describe(`tenant isolation [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let a: string; // demo admin cookie
    let b: string; // tenant B admin cookie
    const B: Record<string, Obj> = {};
    let bApiKey = '';

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
          sipDomain: 'Bravo.Example.COM',
          admin: { username: 'admin', password: 'BravoPass#1' },
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      B.tenant = json<Obj>(created);
      a = await login(t.app, 'demo', 'admin');
      b = await login(t.app, 'bravo', 'admin', 'BravoPass#1');
      const post = async (url: string, payload: Record<string, unknown>) => {
        const r = await t.app.inject({ method: 'POST', url, headers: { cookie: b }, payload });
        assert.equal(r.statusCode, 201, `${url}: ${r.body}`);
        return json<Obj & { key?: string }>(r);
      };
      B.role = await post('/api/v1/roles', {
        name: 'bravo-secret-role',
        scope: 'tenant',
        permissions: ['reports:read'],
      });
      B.center = await post('/api/v1/org-units', { kind: 'center', name: 'Bravo Lyon' });
      B.user = await post('/api/v1/users', {
        username: 'bravo-agent-7',
        password: 'Password#77',
        roleId: B.role.id,
        orgUnitId: B.center.id,
      });
      B.sip = await post('/api/v1/sip-accounts', {
        username: '7001',
        password: 'SipPass#7001',
        userId: B.user.id,
      });
      const key = await post('/api/v1/api-keys', { name: 'bravo key', roleId: B.role.id });
      B.apiKey = key;
      bApiKey = key.key!;
    });
    after(async () => t?.close());

    const paths: [string, string][] = [
      ['tenant', '/api/v1/tenants'],
      ['role', '/api/v1/roles'],
      ['center', '/api/v1/org-units'],
      ['user', '/api/v1/users'],
      ['apiKey', '/api/v1/api-keys'],
      ['sip', '/api/v1/sip-accounts'],
    ];

    it('B can read its own objects (the fixture is real)', async () => {
      for (const [k, p] of paths) {
        const r = await t.app.inject({ url: `${p}/${B[k]!.id}`, headers: { cookie: b } });
        assert.equal(r.statusCode, 200, `${k}: ${r.body}`);
      }
    });

    it('A gets 404 for every B object by id: GET, PATCH and DELETE', async () => {
      const patches: Record<string, unknown> = {
        tenant: { name: 'hijacked' },
        role: { description: 'hijacked' },
        center: { name: 'hijacked' },
        user: { displayName: 'hijacked' },
        sip: { enabled: false },
      };
      for (const [k, p] of paths) {
        const url = `${p}/${B[k]!.id}`;
        const g = await t.app.inject({ url, headers: { cookie: a } });
        assert.equal(g.statusCode, 404, `GET ${k}`);
        assert.equal(json(g).code, 'SWB_NOT_FOUND');
        if (patches[k]) {
          const pr = await t.app.inject({
            method: 'PATCH',
            url,
            headers: { cookie: a },
            payload: patches[k],
          });
          assert.equal(pr.statusCode, 404, `PATCH ${k}: ${pr.body}`);
        }
        const d = await t.app.inject({ method: 'DELETE', url, headers: { cookie: a } });
        assert.equal(d.statusCode, 404, `DELETE ${k}: ${d.body}`);
      }
      // and nothing changed for B
      const u = await t.app.inject({ url: `/api/v1/users/${B.user!.id}`, headers: { cookie: b } });
      assert.equal(json(u).displayName, 'bravo-agent-7');
    });

    it('A sees no B object in lists, by filter or by search', async () => {
      const lists = [
        '/api/v1/tenants?limit=500',
        '/api/v1/tenants?q=bravo',
        '/api/v1/roles?limit=500',
        '/api/v1/roles?q=bravo',
        '/api/v1/org-units?limit=500',
        '/api/v1/org-units?q=lyon',
        '/api/v1/users?limit=500',
        '/api/v1/users?q=bravo',
        `/api/v1/users?roleId=${B.role!.id}`,
        `/api/v1/users?orgUnitId=${B.center!.id}`,
        '/api/v1/api-keys?limit=500&includeRevoked=true',
        '/api/v1/sip-accounts?limit=500',
        '/api/v1/sip-accounts?q=7001',
        '/api/v1/audit-log?limit=500',
        `/api/v1/audit-log?resourceId=${B.user!.id}`,
      ];
      const bIds = Object.values(B).map((o) => o.id);
      for (const url of lists) {
        const r = await t.app.inject({ url, headers: { cookie: a } });
        assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
        for (const id of bIds) assert.ok(!r.body.includes(id), `${url} leaked ${id}`);
        assert.ok(!r.body.toLowerCase().includes('bravo'), `${url} leaked a bravo name`);
      }
    });

    it("A cannot assign B's role or org unit to its own users", async () => {
      const roles = json<{ items: { id: string; name: string }[] }>(
        await t.app.inject({ url: '/api/v1/roles?q=agent', headers: { cookie: a } }),
      );
      const r1 = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { cookie: a },
        payload: { username: 'x1', password: 'Password#1', roleId: B.role!.id },
      });
      assert.equal(r1.statusCode, 400);
      const r2 = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { cookie: a },
        payload: {
          username: 'x2',
          password: 'Password#1',
          roleId: roles.items[0]!.id,
          orgUnitId: B.center!.id,
        },
      });
      assert.equal(r2.statusCode, 400);
    });

    it("B's API key sees only B", async () => {
      const r = await t.app.inject({
        url: '/api/v1/users?limit=500',
        headers: { authorization: `Bearer ${bApiKey}` },
      });
      assert.equal(r.statusCode, 403, 'bravo-secret-role lacks users:read');
      const me = json(
        await t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${bApiKey}` } }),
      );
      assert.equal(me.tenantId, B.tenant!.id);
      const demoUser = json<{ items: Obj[] }>(
        await t.app.inject({ url: '/api/v1/users?limit=1', headers: { cookie: a } }),
      );
      const x = await t.app.inject({
        url: `/api/v1/users/${demoUser.items[0]!.id}`,
        headers: { authorization: `Bearer ${bApiKey}` },
      });
      assert.ok([403, 404].includes(x.statusCode));
    });

    it('a client tenant admin cannot create tenants or grant platform permissions', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tenants',
        headers: { cookie: a },
        payload: { name: 'Evil', slug: 'evil' },
      });
      assert.equal(r.statusCode, 403);
      const role = await t.app.inject({
        method: 'POST',
        url: '/api/v1/roles',
        headers: { cookie: a },
        payload: { name: 'evil', scope: 'tenant', permissions: ['tenants:manage'] },
      });
      assert.equal(role.statusCode, 400);
    });
  });
}
