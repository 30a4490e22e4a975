import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from '../../support/engines.js';
import { type HttpAnswer, http, type LiveApi, liveApi, sessionCookie } from '../../support/live-api.js';

/**
 * Issue 11 finding 8: API keys outlived their owner (kept working and could mint new keys after
 * the user was disabled or deleted) and never expired. Over real HTTP against the listening
 * server, on both engines; the clock is injected, so expiry is reached by advancing it.
 */
interface Key {
  id: string;
  key: string;
  ownerUserId: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

for (const engine of ENGINES) {
  describe(`API keys die with their owner and may expire [${engine.name}]`, { skip: engine.skip }, () => {
    let api: LiveApi;
    let admin: string;
    let developerRole: string;
    before(async () => {
      api = await liveApi(engine);
      admin = await sessionCookie(api.port, 'demo', 'admin');
      const roles = await call('GET', '/api/v1/roles?limit=100', { cookie: admin });
      developerRole = roles
        .json<{ items: { id: string; name: string }[] }>()
        .items.find((r) => r.name === 'developer')!.id;
    });
    after(async () => api?.close());

    function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
      return http(api.port, { method, path, headers, ...(body === undefined ? {} : { body }) });
    }
    const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
    const me = (k: string) => call('GET', '/api/v1/auth/me', bearer(k));
    const mint = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
      call('POST', '/api/v1/api-keys', headers, {
        name: `k${Math.random()}`,
        roleId: developerRole,
        ...extra,
      });
    const created = (r: HttpAnswer): Key => {
      assert.equal(r.status, 201, r.body);
      return r.json<Key>();
    };
    const keyRow = async (id: string) =>
      (await call('GET', `/api/v1/api-keys/${id}`, { cookie: admin })).json<Key>();
    async function developer(username: string): Promise<{ id: string; cookie: string }> {
      const r = await call(
        'POST',
        '/api/v1/users',
        { cookie: admin },
        {
          username,
          password: 'Dev#2026-pass',
          roleId: developerRole,
        },
      );
      assert.equal(r.status, 201, r.body);
      return {
        id: r.json<{ id: string }>().id,
        cookie: await sessionCookie(api.port, 'demo', username, 'Dev#2026-pass'),
      };
    }

    it('a disabled owner’s keys, and the keys they minted, are refused and revoked; re-enabling does not revive them', async () => {
      const dev = await developer('dev1');
      const k1 = created(await mint({ cookie: dev.cookie }));
      assert.equal(k1.ownerUserId, dev.id);
      assert.equal((await me(k1.key)).status, 200);
      const k2 = created(await mint(bearer(k1.key)));
      assert.equal(k2.ownerUserId, dev.id, 'a key minted by a key belongs to the same person');
      const off = await call('PATCH', `/api/v1/users/${dev.id}`, { cookie: admin }, { status: 'disabled' });
      assert.equal(off.status, 200, off.body);
      for (const k of [k1, k2]) {
        const r = await me(k.key);
        assert.equal(r.status, 401, r.body);
        assert.equal(r.json().code, 'SWB_UNAUTHENTICATED');
        assert.ok((await keyRow(k.id)).revokedAt, 'revoked with the owner');
      }
      assert.equal((await mint(bearer(k1.key))).status, 401, 'cannot mint keys');
      // even a key whose revocation was missed (keys from before this release) is refused
      await api.server.db.kysely
        .updateTable('api_keys')
        .set({ revoked_at: null })
        .where('id', '=', k1.id)
        .execute();
      assert.equal((await me(k1.key)).status, 401);
      await call('PATCH', `/api/v1/users/${dev.id}`, { cookie: admin }, { status: 'active' });
      assert.equal((await me(k2.key)).status, 401, 'revoked keys stay revoked');
    });

    it('a deleted owner’s keys are refused', async () => {
      const dev = await developer('dev2');
      const k = created(await mint({ cookie: dev.cookie }));
      assert.equal((await me(k.key)).status, 200);
      const del = await call('DELETE', `/api/v1/users/${dev.id}`, { cookie: admin });
      assert.equal(del.status, 204, del.body);
      assert.equal((await me(k.key)).status, 401);
      assert.equal((await mint(bearer(k.key))).status, 401);
      assert.equal((await me(api.apiKey)).status, 200, 'the tenant-level demo key is not affected');
    });

    it('expiresAt: validated on create, refused once reached, inherited by keys a key mints', async () => {
      const dev = await developer('dev3');
      const at = (ms: number) => new Date(api.clock.now() + ms).toISOString();
      for (const bad of [at(-1000), at(11 * 365 * 86_400_000), 'tomorrow']) {
        const r = await mint({ cookie: dev.cookie }, { expiresAt: bad });
        assert.equal(r.status, 400, `${bad}: ${r.body}`);
        assert.equal(r.json().code, 'SWB_VALIDATION');
      }
      const hour = 3_600_000;
      const k = created(await mint({ cookie: dev.cookie }, { expiresAt: at(hour) }));
      assert.equal(k.expiresAt, at(hour));
      const child = created(await mint(bearer(k.key)));
      assert.equal(child.expiresAt, k.expiresAt, 'a key cannot mint itself an immortal successor');
      const later = await mint(bearer(k.key), { expiresAt: at(2 * hour) });
      assert.equal(later.status, 400, later.body);
      assert.equal((await me(k.key)).status, 200);
      api.clock.advance(hour);
      assert.equal((await me(k.key)).status, 401, 'expired');
      assert.equal((await me(child.key)).status, 401);
    });

    it('lastUsedAt appears on use and is written at most once a minute', async () => {
      const dev = await developer('dev4');
      const k = created(await mint({ cookie: dev.cookie }));
      assert.equal(k.lastUsedAt, null);
      await me(k.key);
      const first = (await keyRow(k.id)).lastUsedAt;
      assert.equal(first, new Date(api.clock.now()).toISOString());
      api.clock.advance(30_000);
      await me(k.key);
      assert.equal((await keyRow(k.id)).lastUsedAt, first, 'no write within the minute');
      api.clock.advance(31_000);
      await me(k.key);
      assert.equal((await keyRow(k.id)).lastUsedAt, new Date(api.clock.now()).toISOString());
    });
  });
}
