import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Page<T> = { items: T[]; nextCursor: string | null };
type Obj = { id: string; [k: string]: unknown };

for (const engine of ENGINES) {
  describe(`CRUD and audit [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let admin: string;
    let roleByName: Record<string, string> = {};
    before(async () => {
      t = await testApp(engine);
      admin = await login(t.app, 'demo', 'admin');
      const roles = json<Page<Obj>>(
        await t.app.inject({ url: '/api/v1/roles?limit=100', headers: { cookie: admin } }),
      );
      roleByName = Object.fromEntries(roles.items.map((r) => [String(r.name), r.id]));
    });
    after(async () => t?.close());

    const req = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
      cookie = admin,
    ) =>
      t.app.inject({
        method,
        url,
        headers: { cookie },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    it('every built-in role of PRODUCT.md exists in a new tenant', () => {
      for (const r of [
        'agent',
        'team_leader',
        'supervisor',
        'qa',
        'wfm_planner',
        'admin',
        'developer',
        'manager',
      ]) {
        assert.ok(roleByName[r], r);
      }
    });

    it('custom role: create, update, use, refuse delete while used, delete', async () => {
      const c = await req('POST', '/api/v1/roles', {
        name: 'night-shift-lead',
        scope: 'group',
        permissions: ['agents:monitor', 'agents:listen', 'reports:read'],
      });
      assert.equal(c.statusCode, 201, c.body);
      const role = json<Obj>(c);
      const u = await req('PATCH', `/api/v1/roles/${role.id}`, { permissions: ['agents:monitor'] });
      assert.deepEqual(json(u).permissions, ['agents:monitor']);
      const user = json<Obj>(
        await req('POST', '/api/v1/users', {
          username: 'nightlead',
          password: 'Password#1',
          roleId: role.id,
        }),
      );
      assert.equal((await req('DELETE', `/api/v1/roles/${role.id}`)).statusCode, 409);
      assert.equal((await req('DELETE', `/api/v1/users/${user.id}`)).statusCode, 204);
      assert.equal((await req('DELETE', `/api/v1/roles/${role.id}`)).statusCode, 204);
      assert.equal((await req('GET', `/api/v1/roles/${role.id}`)).statusCode, 404);
    });

    it('built-in roles cannot be changed or deleted', async () => {
      const r = await req('PATCH', `/api/v1/roles/${roleByName.agent}`, { permissions: ['users:manage'] });
      assert.equal(r.statusCode, 400);
      assert.equal((await req('DELETE', `/api/v1/roles/${roleByName.agent}`)).statusCode, 400);
    });

    it('org units: centers hold groups; a group needs a center; non-empty units are kept', async () => {
      const center = json<Obj>(
        await req('POST', '/api/v1/org-units', { kind: 'center', name: 'Wuhan 武汉' }),
      );
      const group = await req('POST', '/api/v1/org-units', {
        kind: 'group',
        name: 'VIP 贵宾组',
        parentId: center.id,
      });
      assert.equal(group.statusCode, 201);
      assert.equal(
        (await req('POST', '/api/v1/org-units', { kind: 'group', name: 'orphan' })).statusCode,
        400,
      );
      assert.equal((await req('DELETE', `/api/v1/org-units/${center.id}`)).statusCode, 409);
      const children = json<Page<Obj>>(await req('GET', `/api/v1/org-units?parentId=${center.id}`));
      assert.equal(children.items.length, 1);
    });

    it('users: pagination with cursors walks every user exactly once', async () => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const p: Page<Obj> = json<Page<Obj>>(await req('GET', url));
        for (const u of p.items) {
          assert.ok(!seen.has(u.id));
          seen.add(u.id);
        }
        cursor = p.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      const all = json<Page<Obj>>(await req('GET', '/api/v1/users?limit=500'));
      assert.equal(seen.size, all.items.length);
      assert.ok(pages >= 4);
    });

    it('users: search and filters', async () => {
      const s = json<Page<Obj>>(await req('GET', '/api/v1/users?q=AGENT%20100'));
      assert.deepEqual(s.items.map((u) => u.username).sort(), ['1001', '1002', '1003']);
      const byRole = json<Page<Obj>>(await req('GET', `/api/v1/users?roleId=${roleByName.agent}`));
      assert.equal(byRole.items.length, 3);
      const pct = json<Page<Obj>>(await req('GET', '/api/v1/users?q=%25'));
      assert.equal(pct.items.length, 0, 'LIKE wildcards in search text are literal');
    });

    it('every configuration change is audited with actor, before and after, secrets redacted', async () => {
      const me = json(await req('GET', '/api/v1/auth/me'));
      const c = json<Obj>(
        await req('POST', '/api/v1/users', {
          username: 'audited',
          password: 'Password#1',
          roleId: roleByName.agent,
        }),
      );
      await req('PATCH', `/api/v1/users/${c.id}`, { displayName: 'Audited 审计', password: 'Password#2' });
      await req('DELETE', `/api/v1/users/${c.id}`);
      const log = json<Page<Obj>>(await req('GET', `/api/v1/audit-log?resourceId=${c.id}`));
      assert.deepEqual(
        log.items.map((e) => e.action),
        ['create', 'update', 'delete'],
      );
      for (const e of log.items) {
        assert.equal(e.actorType, 'user');
        assert.equal(e.actorId, me.actorId);
        assert.match(String(e.requestId), /^req_/);
      }
      const upd = log.items[1]!;
      assert.equal((upd.before as Obj).displayName, 'audited');
      assert.equal((upd.after as Obj).displayName, 'Audited 审计');
      assert.equal((upd.after as Obj).passwordChanged, true);
      assert.ok(!JSON.stringify(log).includes('scrypt$'), 'no password hash in the audit log');
      const other = await req('GET', '/api/v1/audit-log', undefined, await login(t.app, 'demo', '1001'));
      assert.equal(other.statusCode, 403, 'agents cannot read the audit log');
    });

    it('data scope: agent sees only self, team leader their group, supervisor their center', async () => {
      const agent = await login(t.app, 'demo', '1001');
      assert.equal((await req('GET', '/api/v1/users', undefined, agent)).statusCode, 403);
      const meA = json(await req('GET', '/api/v1/auth/me', undefined, agent));
      assert.equal((await req('GET', `/api/v1/users/${meA.userId}`, undefined, agent)).statusCode, 200);
      const leader = await login(t.app, 'demo', 'leader');
      const seen = json<Page<Obj>>(await req('GET', '/api/v1/users?limit=500', undefined, leader));
      assert.deepEqual(seen.items.map((u) => u.username).sort(), ['1001', '1002', 'leader']);
      const sales = json<Page<Obj>>(await req('GET', '/api/v1/users?q=1003'));
      assert.equal(
        (await req('GET', `/api/v1/users/${sales.items[0]!.id}`, undefined, leader)).statusCode,
        404,
      );
      const sup = await login(t.app, 'demo', 'supervisor');
      const supSeen = json<Page<Obj>>(await req('GET', '/api/v1/users?limit=500', undefined, sup));
      assert.deepEqual(supSeen.items.map((u) => u.username).sort(), [
        '1001',
        '1002',
        '1003',
        'leader',
        'supervisor',
      ]);
    });

    it('no privilege escalation: a supervisor cannot create users or hand out admin', async () => {
      const sup = await login(t.app, 'demo', 'supervisor');
      const r = await req(
        'POST',
        '/api/v1/users',
        { username: 'evil', password: 'Password#1', roleId: roleByName.admin },
        sup,
      );
      assert.equal(r.statusCode, 403);
      assert.equal(json(r).code, 'SWB_FORBIDDEN');
    });

    it('platform operator: create, update, disable and delete a client tenant', async () => {
      const root = await login(t.app, 'operator', 'root', 'Switchboard@2026');
      const c = await req('POST', '/api/v1/tenants', { name: 'Charlie Bank', slug: 'charlie' }, root);
      assert.equal(c.statusCode, 201);
      const id = json<Obj>(c).id;
      assert.equal(json(c).timeZone, 'Asia/Shanghai');
      assert.equal(
        (await req('POST', '/api/v1/tenants', { name: 'dup', slug: 'charlie' }, root)).statusCode,
        409,
      );
      assert.equal(
        (await req('DELETE', `/api/v1/tenants/${id}`, undefined, root)).statusCode,
        400,
        'disable first',
      );
      const d = await req('PATCH', `/api/v1/tenants/${id}`, { status: 'disabled' }, root);
      assert.equal(json(d).status, 'disabled');
      assert.equal((await req('DELETE', `/api/v1/tenants/${id}`, undefined, root)).statusCode, 204);
      assert.equal((await req('GET', `/api/v1/tenants/${id}`, undefined, root)).statusCode, 404);
    });

    it('a disabled tenant cannot log in', async () => {
      const root = await login(t.app, 'operator', 'root', 'Switchboard@2026');
      const c = json<Obj>(
        await req(
          'POST',
          '/api/v1/tenants',
          { name: 'Delta', slug: 'delta', admin: { username: 'admin', password: 'DeltaPass#1' } },
          root,
        ),
      );
      const dcookie = await login(t.app, 'delta', 'admin', 'DeltaPass#1');
      await req('PATCH', `/api/v1/tenants/${c.id}`, { status: 'disabled' }, root);
      assert.equal((await req('GET', '/api/v1/auth/me', undefined, dcookie)).statusCode, 401);
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { tenant: 'delta', username: 'admin', password: 'DeltaPass#1' },
      });
      assert.equal(r.statusCode, 403);
      assert.equal(json(r).code, 'SWB_TENANT_DISABLED');
    });
  });
}

describe('operational endpoints', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ENGINES[0]!);
  });
  after(async () => t?.close());

  it('/api/v1/openapi.json documents every route and the error body; /api/v1/docs serves the UI', async () => {
    const doc = json<{ openapi: string; paths: Record<string, unknown>; components: { schemas: object } }>(
      await t.app.inject({ url: '/api/v1/openapi.json' }),
    );
    assert.equal(doc.openapi, '3.0.3');
    for (const p of [
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/tenants',
      '/api/v1/roles',
      '/api/v1/api-keys',
      '/api/v1/audit-log',
      '/api/v1/auth/login',
      '/api/v1/org-units',
    ]) {
      assert.ok(doc.paths[p], p);
    }
    assert.ok(JSON.stringify(doc).includes('SWB_VALIDATION'));
    const ui = await t.app.inject({ url: '/api/v1/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });

  it('/healthz, /readyz and /metrics answer without credentials', async () => {
    assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    const ready = json(await t.app.inject({ url: '/readyz' }));
    assert.deepEqual(ready, { status: 'ok', checks: { database: 'ok' } });
    await t.app.inject({ url: '/healthz' });
    const m = await t.app.inject({ url: '/metrics' });
    assert.equal(m.statusCode, 200);
    assert.match(
      m.body,
      /switchboard_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    assert.match(m.body, /switchboard_process_cpu_seconds_total/);
  });

  it('/readyz answers 503 when the database is gone', async () => {
    const t2 = await testApp(ENGINES[0]!);
    await t2.db.close();
    const r = await t2.app.inject({ url: '/readyz' });
    assert.equal(r.statusCode, 503);
    assert.match(json<{ checks: { database: string } }>(r).checks.database, /^failed/);
    await t2.app.close();
  });
});
