// Issue 11 finding 4: privilege escalation, attacked over real HTTP against a listening server
// started the way `switchboard start` starts it. For every manage permission × data scope an
// actor with that custom role tries every escalation; each must be refused (403
// SWB_FORBIDDEN_ESCALATION, or 404 where the target is outside what the actor can see, or 403
// SWB_FORBIDDEN where the permission is missing) with nothing changed, and audited as `deny`.
// The legitimate actions inside the actor's scope must still work, so the test fails both ways.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer, type Server } from '../../../src/server.js';
import { ENGINES } from '../../support/engines.js';

type Obj = { id: string; [k: string]: unknown };
type Res = { status: number; body: Obj & { code?: string; items?: Obj[]; nextCursor?: string | null } };
type Scope = 'tenant' | 'center' | 'group' | 'self';

const PASSWORD = 'Demo@2026';
const SCOPES: Scope[] = ['tenant', 'center', 'group', 'self'];
const PERM_SETS: Record<string, string[]> = {
  users: ['users:read', 'users:manage'],
  roles: ['roles:read', 'roles:manage'],
  org: ['org:read', 'org:manage'],
  api_keys: ['api_keys:manage'],
  all: [
    'users:read',
    'users:manage',
    'roles:read',
    'roles:manage',
    'org:read',
    'org:manage',
    'api_keys:manage',
  ],
};

/** Fixture ids shared by every cell. */
interface World {
  adminId: string;
  adminRole: string;
  bossId: string; // holds the admin role but sits in the Support group, visible to scoped actors
  nobody: string; // role [] / self, held by puppets in Support and by one user in North-1
  nobodyWide: string; // role [] / tenant
  wideKeys: string; // role [api_keys:manage] / tenant
  above: string; // custom role [config:manage, users:read] / tenant
  adminKeyId: string;
  hotline: string;
  support: string;
  sales: string;
  north: string;
  north1: string;
}

/** One actor of one cell of the matrix. */
interface Actor {
  perms: Set<string>;
  scope: Scope;
  cookie: string;
  userId: string;
  roleId: string;
  puppetId: string;
  tag: string;
}

type Expect = 'ESC' | 'NOT_FOUND' | null; // null: not an escalation for this scope, not tried

interface Attack {
  name: string;
  needs: string;
  req(w: World, a: Actor): { method: string; path: string; body?: unknown };
  expect(scope: Scope): Expect;
}

const all = (): Expect => 'ESC';
const invisibleUnlessTenant = (s: Scope): Expect => (s === 'tenant' ? 'ESC' : 'NOT_FOUND');
const widerUnlessTenant = (s: Scope): Expect => (s === 'tenant' ? null : 'ESC');
const puppetTarget = (s: Scope): Expect => (s === 'self' ? 'NOT_FOUND' : 'ESC');
const puppetMove = (s: Scope): Expect => (s === 'tenant' ? null : s === 'self' ? 'NOT_FOUND' : 'ESC');

const ATTACKS: Attack[] = [
  // users: the tenant admin (no org unit: only a tenant-wide actor can see them)
  {
    name: "reset the tenant admin's password",
    needs: 'users:manage',
    req: (w) => ({ method: 'PATCH', path: `/users/${w.adminId}`, body: { password: 'Hijacked#2026' } }),
    expect: invisibleUnlessTenant,
  },
  {
    name: 'disable the tenant admin',
    needs: 'users:manage',
    req: (w) => ({ method: 'PATCH', path: `/users/${w.adminId}`, body: { status: 'disabled' } }),
    expect: invisibleUnlessTenant,
  },
  {
    name: 'delete the tenant admin',
    needs: 'users:manage',
    req: (w) => ({ method: 'DELETE', path: `/users/${w.adminId}` }),
    expect: invisibleUnlessTenant,
  },
  // users: an administrator inside the actor's own group (visible, but holds more)
  {
    name: 'reset the password of an admin inside your group',
    needs: 'users:manage',
    req: (w) => ({ method: 'PATCH', path: `/users/${w.bossId}`, body: { password: 'Hijacked#2026' } }),
    expect: puppetTarget,
  },
  {
    name: 'disable an admin inside your group',
    needs: 'users:manage',
    req: (w) => ({ method: 'PATCH', path: `/users/${w.bossId}`, body: { status: 'disabled' } }),
    expect: puppetTarget,
  },
  {
    name: 'demote an admin inside your group',
    needs: 'users:manage',
    req: (w) => ({ method: 'PATCH', path: `/users/${w.bossId}`, body: { roleId: w.nobody } }),
    expect: puppetTarget,
  },
  {
    name: 'delete an admin inside your group',
    needs: 'users:manage',
    req: (w) => ({ method: 'DELETE', path: `/users/${w.bossId}` }),
    expect: puppetTarget,
  },
  // users: grants
  {
    name: 'assign yourself the admin role',
    needs: 'users:manage',
    req: (w, a) => ({ method: 'PATCH', path: `/users/${a.userId}`, body: { roleId: w.adminRole } }),
    expect: all,
  },
  {
    name: 'create a puppet with the admin role',
    needs: 'users:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/users',
      body: { username: `evil-${a.tag}`, password: PASSWORD, roleId: w.adminRole, orgUnitId: w.support },
    }),
    expect: all,
  },
  {
    name: 'give a puppet the admin role',
    needs: 'users:manage',
    req: (w, a) => ({ method: 'PATCH', path: `/users/${a.puppetId}`, body: { roleId: w.adminRole } }),
    expect: puppetTarget,
  },
  {
    name: 'create a puppet whose role has a wider scope than yours',
    needs: 'users:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/users',
      body: { username: `wide-${a.tag}`, password: PASSWORD, roleId: w.nobodyWide, orgUnitId: w.support },
    }),
    expect: widerUnlessTenant,
  },
  // users: placement
  {
    name: 'create a puppet in a center outside your scope',
    needs: 'users:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/users',
      body: { username: `far-${a.tag}`, password: PASSWORD, roleId: w.nobody, orgUnitId: w.north1 },
    }),
    expect: widerUnlessTenant,
  },
  {
    name: 'create a puppet in no org unit (outside every scope but the tenant)',
    needs: 'users:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/users',
      body: { username: `loose-${a.tag}`, password: PASSWORD, roleId: w.nobody },
    }),
    expect: widerUnlessTenant,
  },
  {
    name: 'move yourself into another center',
    needs: 'users:manage',
    req: (w, a) => ({ method: 'PATCH', path: `/users/${a.userId}`, body: { orgUnitId: w.north1 } }),
    expect: widerUnlessTenant,
  },
  {
    name: 'move a puppet into another center',
    needs: 'users:manage',
    req: (w, a) => ({ method: 'PATCH', path: `/users/${a.puppetId}`, body: { orgUnitId: w.north1 } }),
    expect: puppetMove,
  },
  {
    name: 'take a puppet out of every org unit',
    needs: 'users:manage',
    req: (_w, a) => ({ method: 'PATCH', path: `/users/${a.puppetId}`, body: { orgUnitId: null } }),
    expect: puppetMove,
  },
  // roles
  {
    name: "PATCH your own role's scope to tenant",
    needs: 'roles:manage',
    req: (_w, a) => ({ method: 'PATCH', path: `/roles/${a.roleId}`, body: { scope: 'tenant' } }),
    expect: all,
  },
  {
    name: 'PATCH your own role to add a permission',
    needs: 'roles:manage',
    req: (_w, a) => ({
      method: 'PATCH',
      path: `/roles/${a.roleId}`,
      body: { permissions: [...a.perms, 'config:manage'] },
    }),
    expect: all,
  },
  {
    name: 'delete your own role',
    needs: 'roles:manage',
    req: (_w, a) => ({ method: 'DELETE', path: `/roles/${a.roleId}` }),
    expect: all,
  },
  {
    name: 'create a role with a wider scope',
    needs: 'roles:manage',
    req: (_w, a) => ({
      method: 'POST',
      path: '/roles',
      body: { name: `wide-${a.tag}`, scope: 'tenant', permissions: [] },
    }),
    expect: widerUnlessTenant,
  },
  {
    name: 'create a role with a permission you do not hold',
    needs: 'roles:manage',
    req: (_w, a) => ({
      method: 'POST',
      path: '/roles',
      body: { name: `more-${a.tag}`, scope: 'self', permissions: ['config:manage'] },
    }),
    expect: all,
  },
  {
    name: 'edit a role that holds more than you',
    needs: 'roles:manage',
    req: (w) => ({ method: 'PATCH', path: `/roles/${w.above}`, body: { description: 'mine now' } }),
    expect: all,
  },
  {
    name: 'widen a weak role with a permission you do not hold',
    needs: 'roles:manage',
    req: (w) => ({ method: 'PATCH', path: `/roles/${w.nobody}`, body: { permissions: ['config:manage'] } }),
    expect: all,
  },
  {
    name: 'edit a role held by people outside your scope',
    needs: 'roles:manage',
    req: (w) => ({ method: 'PATCH', path: `/roles/${w.nobody}`, body: { description: 'changed' } }),
    expect: widerUnlessTenant,
  },
  // API keys
  {
    name: 'mint an API key with the admin role',
    needs: 'api_keys:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/api-keys',
      body: { name: `evil-${a.tag}`, roleId: w.adminRole },
    }),
    expect: all,
  },
  {
    name: 'mint an API key whose role has a wider scope',
    needs: 'api_keys:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/api-keys',
      body: { name: `wide-${a.tag}`, roleId: w.wideKeys },
    }),
    expect: widerUnlessTenant,
  },
  {
    name: "revoke the admin's API key",
    needs: 'api_keys:manage',
    req: (w) => ({ method: 'DELETE', path: `/api-keys/${w.adminKeyId}` }),
    expect: all,
  },
  // org units
  {
    name: 'create a center',
    needs: 'org:manage',
    req: (_w, a) => ({ method: 'POST', path: '/org-units', body: { kind: 'center', name: `c-${a.tag}` } }),
    expect: widerUnlessTenant,
  },
  {
    name: 'create a group in another center',
    needs: 'org:manage',
    req: (w, a) => ({
      method: 'POST',
      path: '/org-units',
      body: { kind: 'group', name: `g-${a.tag}`, parentId: w.north },
    }),
    expect: widerUnlessTenant,
  },
  {
    name: 'rename another center',
    needs: 'org:manage',
    req: (w) => ({ method: 'PATCH', path: `/org-units/${w.north}`, body: { name: 'Taken' } }),
    expect: (s) => (s === 'tenant' ? null : 'NOT_FOUND'),
  },
  {
    name: 'rename a sibling group',
    needs: 'org:manage',
    req: (w) => ({ method: 'PATCH', path: `/org-units/${w.sales}`, body: { name: 'Taken' } }),
    expect: (s) => (s === 'tenant' || s === 'center' ? null : 'NOT_FOUND'),
  },
  {
    name: 'delete a group in another center',
    needs: 'org:manage',
    req: (w) => ({ method: 'DELETE', path: `/org-units/${w.north1}` }),
    expect: (s) => (s === 'tenant' ? null : 'NOT_FOUND'),
  },
];

for (const engine of ENGINES) {
  describe(`privilege escalation over HTTP [${engine.name}]`, { skip: engine.skip }, () => {
    let server: Server;
    let base: string;
    let cleanup: () => Promise<void>;
    let admin: string;
    let w: World;

    async function http(method: string, path: string, body?: unknown, auth?: string): Promise<Res> {
      const headers: Record<string, string> = {};
      if (auth?.startsWith('swb_session=')) headers.cookie = auth;
      else if (auth) headers.authorization = `Bearer ${auth}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = await fetch(`${base}/api/v1${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await r.text();
      return { status: r.status, body: (text ? JSON.parse(text) : {}) as Res['body'] };
    }

    async function ok(method: string, path: string, body?: unknown, auth = admin, status = 0): Promise<Obj> {
      const r = await http(method, path, body, auth);
      const want = status || (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
      assert.equal(r.status, want, `${method} ${path}: ${JSON.stringify(r.body)}`);
      return r.body;
    }

    async function login(username: string, password = PASSWORD): Promise<string> {
      const r = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'demo', username, password }),
      });
      assert.equal(r.status, 200, `login ${username}`);
      const c = /swb_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '');
      assert.ok(c, 'session cookie');
      return `swb_session=${c[1]}`;
    }

    async function everything(path: string, auth = admin): Promise<Obj[]> {
      const out: Obj[] = [];
      let cursor: string | null | undefined;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const r = await ok(
          'GET',
          `${path}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`,
          undefined,
          auth,
        );
        out.push(...((r.items as Obj[]) ?? []));
        cursor = r.nextCursor as string | null;
      } while (cursor);
      return out;
    }

    /** What an attack could change, as the admin sees it. */
    async function snapshot(): Promise<string> {
      const parts = await Promise.all([
        everything('/users'),
        everything('/roles'),
        everything('/org-units'),
        everything('/api-keys?includeRevoked=true'),
      ]);
      return JSON.stringify(parts);
    }

    before(async () => {
      const db = await engine.create();
      cleanup = db.cleanup;
      const config = loadConfig({
        env: {},
        overrides: {
          http: { host: '127.0.0.1', port: 0 },
          sip: { enabled: false },
          storage: { dataDir: db.dataDir, databaseUrl: db.databaseUrl },
          auth: { scryptCost: 1024, maxFailedLogins: 1000 },
          log: { level: 'silent' },
        },
      });
      server = await createServer(config, { logger: silentLogger });
      base = (await server.listen()).replace('0.0.0.0', '127.0.0.1');
      admin = await login('admin');
      const me = await ok('GET', '/auth/me');
      const roles = Object.fromEntries((await everything('/roles')).map((r) => [String(r.name), r.id]));
      const units = await everything('/org-units');
      const unit = (prefix: string) => units.find((u) => String(u.name).startsWith(prefix))!.id;
      const hotline = unit('Hotline');
      const support = unit('Support');
      const north = (await ok('POST', '/org-units', { kind: 'center', name: 'North' })).id;
      const north1 = (await ok('POST', '/org-units', { kind: 'group', name: 'North-1', parentId: north })).id;
      const role = async (name: string, scope: Scope, permissions: string[]) =>
        (await ok('POST', '/roles', { name, scope, permissions })).id;
      const nobody = await role('nobody', 'self', []);
      w = {
        adminId: String(me.userId),
        adminRole: roles.admin!,
        bossId: (
          await ok('POST', '/users', {
            username: 'boss',
            password: PASSWORD,
            roleId: roles.admin,
            orgUnitId: support,
          })
        ).id,
        nobody,
        nobodyWide: await role('nobody-wide', 'tenant', []),
        wideKeys: await role('wide-keys', 'tenant', ['api_keys:manage']),
        above: await role('above', 'tenant', ['config:manage', 'users:read']),
        adminKeyId: (await ok('POST', '/api-keys', { name: 'admin-key', roleId: roles.admin })).id,
        hotline,
        support,
        sales: unit('Sales'),
        north,
        north1,
      };
      await ok('POST', '/users', {
        username: 'north-agent',
        password: PASSWORD,
        roleId: nobody,
        orgUnitId: north1,
      });
    });
    after(async () => {
      await server?.close();
      await cleanup?.();
    });

    it('the tenant admin is who the fixtures say', async () => {
      const u = await ok('GET', `/users/${w.adminId}`);
      assert.equal(u.username, 'admin');
      assert.equal(u.roleId, w.adminRole);
    });

    it('the reproduction of the issue: [users:read, users:manage] cannot reset or disable the tenant admin', async () => {
      const roleId = (
        await ok('POST', '/roles', {
          name: 'repro-1',
          scope: 'tenant',
          permissions: ['users:read', 'users:manage'],
        })
      ).id;
      await ok('POST', '/users', { username: 'repro-1', password: PASSWORD, roleId });
      const c = await login('repro-1');
      const before = await ok('GET', `/users/${w.adminId}`);
      const reset = await http('PATCH', `/users/${w.adminId}`, { password: 'Hijacked#2026' }, c);
      assert.deepEqual([reset.status, reset.body.code], [403, 'SWB_FORBIDDEN_ESCALATION']);
      const disable = await http('PATCH', `/users/${w.adminId}`, { status: 'disabled' }, c);
      assert.deepEqual([disable.status, disable.body.code], [403, 'SWB_FORBIDDEN_ESCALATION']);
      assert.deepEqual(await ok('GET', `/users/${w.adminId}`), before);
      await login('admin');
    });

    it('the reproduction of the issue: a group-scoped roles:manage cannot widen its own role to see everyone', async () => {
      const perms = ['users:read', 'users:manage', 'roles:read', 'roles:manage'];
      const roleId = (await ok('POST', '/roles', { name: 'repro-2', scope: 'group', permissions: perms })).id;
      await ok('POST', '/users', { username: 'repro-2', password: PASSWORD, roleId, orgUnitId: w.support });
      const c = await login('repro-2');
      const widen = await http('PATCH', `/roles/${roleId}`, { scope: 'tenant' }, c);
      assert.deepEqual([widen.status, widen.body.code], [403, 'SWB_FORBIDDEN_ESCALATION']);
      assert.equal((await ok('GET', `/roles/${roleId}`)).scope, 'group');
      const seen = new Set((await everything('/users', c)).map((u) => u.orgUnitId));
      assert.deepEqual([...seen], [w.support], 'still sees only its group');
      const reset = await http('PATCH', `/users/${w.adminId}`, { password: 'Hijacked#2026' }, c);
      assert.deepEqual(
        [reset.status, reset.body.code],
        [404, 'SWB_NOT_FOUND'],
        'the admin is out of its sight',
      );
      await login('admin');
    });

    it("a client tenant's admin cannot reach the platform operator's people, roles or tenant", async () => {
      const r = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'operator', username: 'root', password: 'Switchboard@2026' }),
      });
      assert.equal(r.status, 200);
      const root = `swb_session=${/swb_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1]}`;
      const me = await ok('GET', '/auth/me', undefined, root);
      for (const [method, path, body] of [
        ['PATCH', `/users/${me.userId}`, { password: 'Hijacked#2026' }],
        ['DELETE', `/users/${me.userId}`, undefined],
        ['PATCH', `/roles/${me.roleId}`, { description: 'mine' }],
        ['PATCH', `/tenants/${me.tenantId}`, { name: 'Mine' }],
      ] as const) {
        const x = await http(method, path, body, admin);
        assert.deepEqual([x.status, x.body.code], [404, 'SWB_NOT_FOUND'], `${method} ${path}`);
      }
      // and a client role can never carry the operator's permissions
      const t = await http(
        'POST',
        '/roles',
        { name: 'operator-wannabe', scope: 'tenant', permissions: ['tenants:manage'] },
        admin,
      );
      assert.deepEqual([t.status, t.body.code], [400, 'SWB_VALIDATION']);
      assert.equal((await ok('GET', '/auth/me', undefined, root)).userId, me.userId, 'root untouched');
      assert.equal(
        (
          await fetch(`${base}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ tenant: 'operator', username: 'root', password: 'Switchboard@2026' }),
          })
        ).status,
        200,
      );
    });

    for (const [set, perms] of Object.entries(PERM_SETS)) {
      for (const scope of SCOPES) {
        it(`[${perms.join(', ')}] × ${scope}: every escalation refused, nothing changed, legitimate work done`, async () => {
          admin = await login('admin'); // a fresh session: a cell that broke the admin must not hide the next
          const tag = `${set.replace('_', '')}-${scope}`;
          const roleId = (await ok('POST', '/roles', { name: `actor-${tag}`, scope, permissions: perms })).id;
          const userId = (
            await ok('POST', '/users', {
              username: `a-${tag}`,
              password: PASSWORD,
              roleId,
              orgUnitId: w.support,
            })
          ).id;
          const puppetId = (
            await ok('POST', '/users', {
              username: `p-${tag}`,
              password: PASSWORD,
              roleId: w.nobody,
              orgUnitId: w.support,
            })
          ).id;
          const a: Actor = {
            perms: new Set(perms),
            scope,
            cookie: await login(`a-${tag}`),
            userId,
            roleId,
            puppetId,
            tag,
          };

          let refusedAsEscalation = 0;
          for (const atk of ATTACKS) {
            const verdict = atk.expect(scope);
            if (verdict === null) continue;
            const r0 = atk.req(w, a);
            const beforeState = await snapshot();
            const r = await http(r0.method, r0.path, r0.body, a.cookie);
            const want = !a.perms.has(atk.needs)
              ? { status: 403, code: 'SWB_FORBIDDEN' }
              : verdict === 'ESC'
                ? { status: 403, code: 'SWB_FORBIDDEN_ESCALATION' }
                : { status: 404, code: 'SWB_NOT_FOUND' };
            assert.deepEqual(
              { status: r.status, code: r.body.code },
              want,
              `${atk.name}: ${r0.method} ${r0.path} → ${JSON.stringify(r.body)}`,
            );
            if (want.code === 'SWB_FORBIDDEN_ESCALATION') refusedAsEscalation++;
            assert.equal(await snapshot(), beforeState, `${atk.name}: state changed although refused`);
          }

          // the admin is untouched: the session still works and the password is still theirs
          assert.equal((await http('GET', '/auth/me', undefined, admin)).status, 200);
          await login('admin');
          await login('boss');

          // every refusal is in the audit log as `deny`, attributed to the actor
          const denials = (await everything(`/audit-log?actorId=${userId}`)).filter(
            (e) => e.action === 'deny',
          );
          assert.equal(denials.length, refusedAsEscalation, 'one deny entry per refused escalation');

          // the actor still sees only their scope
          if (a.perms.has('users:read')) {
            const seen = await everything('/users', a.cookie);
            const units = new Set(seen.map((u) => u.orgUnitId));
            if (scope === 'self')
              assert.deepEqual(
                seen.map((u) => u.id),
                [userId],
              );
            if (scope === 'group') assert.deepEqual([...units], [w.support]);
            if (scope === 'center')
              for (const u of units)
                assert.ok([w.hotline, w.support, w.sales].includes(String(u)), `center sees ${String(u)}`);
            if (scope === 'tenant')
              assert.ok(
                seen.some((u) => u.id === w.adminId),
                'tenant scope sees the admin',
              );
          }

          await legitimateWork(a);
        });
      }
    }

    /** What the actor may do inside their scope: must keep working. */
    async function legitimateWork(a: Actor): Promise<void> {
      const c = a.cookie;
      if (a.perms.has('users:manage')) {
        if (a.scope === 'self') {
          const u = await ok('PATCH', `/users/${a.userId}`, { email: `${a.tag}@example.com` }, c);
          assert.equal(u.email, `${a.tag}@example.com`);
        } else {
          const u = await ok(
            'POST',
            '/users',
            { username: `ok-${a.tag}`, password: PASSWORD, roleId: w.nobody, orgUnitId: w.support },
            c,
          );
          await ok('PATCH', `/users/${u.id}`, { password: 'NewSecret#2026' }, c);
          await login(`ok-${a.tag}`, 'NewSecret#2026');
          assert.equal((await ok('PATCH', `/users/${u.id}`, { status: 'disabled' }, c)).status, 'disabled');
          await ok('DELETE', `/users/${u.id}`, undefined, c);
          // equal rights are not an escalation: hand a puppet your own role, then take it back
          assert.equal((await ok('PATCH', `/users/${a.puppetId}`, { roleId: a.roleId }, c)).roleId, a.roleId);
          await ok('PATCH', `/users/${a.puppetId}`, { roleId: w.nobody }, c);
          if (a.scope === 'center') {
            assert.equal(
              (await ok('PATCH', `/users/${a.puppetId}`, { orgUnitId: w.sales }, c)).orgUnitId,
              w.sales,
            );
          }
        }
      }
      if (a.perms.has('roles:manage')) {
        const r = await ok(
          'POST',
          '/roles',
          { name: `ok-${a.tag}`, scope: a.scope, permissions: [[...a.perms][0]] },
          c,
        );
        await ok('PATCH', `/roles/${r.id}`, { description: 'narrower than me' }, c);
        await ok('DELETE', `/roles/${r.id}`, undefined, c);
      }
      if (a.perms.has('api_keys:manage')) {
        const k = await ok('POST', '/api-keys', { name: `ok-${a.tag}`, roleId: a.roleId }, c);
        // the key works, and acts with the rights it was given: no more
        await ok('GET', '/api-keys', undefined, String(k.key));
        const esc = await http('POST', '/api-keys', { name: 'via-key', roleId: w.adminRole }, String(k.key));
        assert.equal(esc.body.code, 'SWB_FORBIDDEN_ESCALATION');
        await ok('DELETE', `/api-keys/${k.id}`, undefined, c);
      }
      if (a.perms.has('org:manage')) {
        if (a.scope === 'tenant') {
          const u = await ok('POST', '/org-units', { kind: 'center', name: `ok-${a.tag}` }, c);
          await ok('DELETE', `/org-units/${u.id}`, undefined, c);
        } else if (a.scope === 'center') {
          const u = await ok(
            'POST',
            '/org-units',
            { kind: 'group', name: `ok-${a.tag}`, parentId: w.hotline },
            c,
          );
          await ok('PATCH', `/org-units/${u.id}`, { name: `ok2-${a.tag}` }, c);
          await ok('DELETE', `/org-units/${u.id}`, undefined, c);
        } else if (a.scope === 'group') {
          const before = await ok('GET', `/org-units/${w.support}`, undefined, c);
          await ok('PATCH', `/org-units/${w.support}`, { name: `Support ${a.tag}` }, c);
          await ok('PATCH', `/org-units/${w.support}`, { name: before.name }, c);
        } else {
          // "self" owns no org unit: it sees none (and so can change none)
          assert.deepEqual(await everything('/org-units', c), []);
        }
      }
    }
  });
}
