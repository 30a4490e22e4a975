import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSecretBox } from '../../../src/kernel/secrets.js';
import { outboundPasswordContext } from '../../../src/storage/repositories/trunks-repo.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = Record<string, unknown> & { id: string };

/** Trunks through the API on both engines: secrets stay write-only, settings are checked, deletes are guarded. */
for (const engine of ENGINES) {
  describe(`trunks API [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let cookie: string;
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const fails = async (
      method: 'POST' | 'PATCH',
      url: string,
      payload: object,
      status: number,
      code: string,
    ) => {
      const r = await call(method, url, payload);
      assert.equal(r.statusCode, status, `${JSON.stringify(payload)}: ${r.body}`);
      assert.equal(json(r).code, code, r.body);
      return json(r);
    };
    let ipTrunk: Obj;
    let regTrunk: Obj;

    before(async () => {
      t = await testApp(engine);
      cookie = await login(t.app, 'demo', 'admin');
    });
    after(async () => t?.close());

    it('creates an IP-authenticated inbound trunk with defaults', async () => {
      const r = await call('POST', '/api/v1/trunks', {
        name: 'China Telecom inbound',
        host: '203.0.113.10',
        direction: 'inbound',
        allowedSources: ['203.0.113.10:5060', '[2001:DB8::10]:5061'],
      });
      assert.equal(r.statusCode, 201, r.body);
      ipTrunk = json<Obj>(r);
      assert.match(ipTrunk.id, /^trk_/);
      assert.equal(ipTrunk.port, 5060);
      assert.equal(ipTrunk.transport, 'udp');
      assert.equal(ipTrunk.inboundAuth, 'ip');
      assert.equal(ipTrunk.countryCode, '86');
      assert.equal(ipTrunk.registration, null);
      assert.deepEqual(ipTrunk.allowedSources, ['203.0.113.10:5060', '[2001:db8::10]:5061']);
    });

    it('stores the carrier password for registration but never returns or audits it', async () => {
      const r = await call('POST', '/api/v1/trunks', {
        name: 'Carrier with registration',
        host: 'sip.carrier.example',
        direction: 'both',
        register: true,
        outboundUsername: '02112345678',
        outboundPassword: 'carrier-secret-42',
        fromDomain: 'sip.carrier.example',
        callerId: '021-1234 5678',
        maxConcurrentCalls: 30,
        inboundAuth: 'digest',
        inboundUsername: 'carrier-in',
        inboundPassword: 'inbound-secret-43',
      });
      assert.equal(r.statusCode, 201, r.body);
      regTrunk = json<Obj>(r);
      assert.equal(regTrunk.hasOutboundPassword, true);
      assert.equal(regTrunk.hasInboundPassword, true);
      assert.equal(regTrunk.callerId, '+862112345678');
      assert.deepEqual(regTrunk.registration, {
        state: 'unregistered',
        lastCode: null,
        lastError: null,
        expiresAt: null,
        updatedAt: regTrunk.createdAt,
      });
      for (const body of [
        r.body,
        (await call('GET', `/api/v1/trunks/${regTrunk.id}`)).body,
        (await call('GET', '/api/v1/trunks')).body,
      ]) {
        assert.ok(!body.includes('carrier-secret-42'));
        assert.ok(!body.includes('inbound-secret-43'));
      }
      const upd = await call('PATCH', `/api/v1/trunks/${regTrunk.id}`, {
        outboundPassword: 'carrier-secret-99',
      });
      assert.equal(upd.statusCode, 200, upd.body);
      const audit = await call('GET', `/api/v1/audit-log?resourceType=trunk&resourceId=${regTrunk.id}`);
      assert.equal(json<{ items: Obj[] }>(audit).items.length, 2);
      for (const secret of ['carrier-secret-42', 'carrier-secret-99', 'inbound-secret-43'])
        assert.ok(!audit.body.includes(secret));
      assert.ok(audit.body.includes('outboundPasswordChanged'));
      const row = await t.db.kysely
        .selectFrom('trunks')
        .selectAll()
        .where('id', '=', regTrunk.id)
        .executeTakeFirstOrThrow();
      // sealed at rest (AES-256-GCM, key from the data folder's key file), opens only in its own row
      assert.match(row.outbound_password ?? '', /^swb:v1:[0-9a-f]{8}:/);
      assert.ok(!row.outbound_password?.includes('carrier-secret'));
      const box = loadSecretBox(t.config.security, t.config.storage.dataDir).box;
      assert.equal(
        box.open(row.outbound_password!, outboundPasswordContext(regTrunk.id)),
        'carrier-secret-99',
      );
      assert.throws(() => box.open(row.outbound_password!, outboundPasswordContext(ipTrunk.id)), {
        code: 'SWB_SECRET_UNREADABLE',
      });
      assert.equal(row.inbound_ha1_md5?.length, 32);
    });

    it('shows the registration status the registration client stored', async () => {
      await t.db.kysely
        .insertInto('trunk_status')
        .values({
          trunk_id: regTrunk.id,
          tenant_id: regTrunk.tenantId as string,
          state: 'registered',
          last_code: 200,
          last_error: null,
          expires_at: Date.UTC(2026, 10, 23, 9, 0, 0),
          updated_at: Date.UTC(2026, 10, 23, 8, 0, 0),
        })
        .execute();
      const got = json<Obj>(await call('GET', `/api/v1/trunks/${regTrunk.id}`));
      assert.deepEqual(got.registration, {
        state: 'registered',
        lastCode: 200,
        lastError: null,
        expiresAt: '2026-11-23T09:00:00.000Z',
        updatedAt: '2026-11-23T08:00:00.000Z',
      });
    });

    it('lists, filters and searches', async () => {
      const all = json<{ items: Obj[] }>(await call('GET', '/api/v1/trunks'));
      assert.equal(all.items.length, 3); // with the demo carrier trunk
      const inbound = json<{ items: Obj[] }>(await call('GET', '/api/v1/trunks?direction=inbound'));
      assert.deepEqual(
        inbound.items.map((x) => x.id),
        [ipTrunk.id],
      );
      const q = json<{ items: Obj[] }>(await call('GET', '/api/v1/trunks?q=CARRIER.example'));
      assert.deepEqual(
        q.items.map((x) => x.id),
        [regTrunk.id],
      );
    });

    it('bad settings are 400 SWB_TRUNK_INVALID naming the field', async () => {
      const base = { name: 'x', host: 'sip.example.com' };
      const d1 = await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, allowedSources: ['10.0.0.0/33'] },
        400,
        'SWB_TRUNK_INVALID',
      );
      assert.equal((d1.details as Obj).field, 'allowedSources');
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, allowedSources: ['not-an-ip'] },
        400,
        'SWB_TRUNK_INVALID',
      );
      await fails('POST', '/api/v1/trunks', { ...base }, 400, 'SWB_TRUNK_INVALID'); // ip auth, no sources, host not an IP
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, host: 'bad host!', allowedSources: ['10.0.0.1'] },
        400,
        'SWB_TRUNK_INVALID',
      );
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, allowedSources: ['10.0.0.1'], register: true },
        400,
        'SWB_TRUNK_INVALID',
      );
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, direction: 'inbound', register: true, outboundUsername: 'u', outboundPassword: 'pppp' },
        400,
        'SWB_TRUNK_INVALID',
      );
      await fails('POST', '/api/v1/trunks', { ...base, inboundAuth: 'digest' }, 400, 'SWB_TRUNK_INVALID');
      const clash = await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, inboundAuth: 'digest', inboundUsername: '1001', inboundPassword: 'secret-1001' },
        400,
        'SWB_TRUNK_INVALID',
      );
      assert.equal((clash.details as Obj).field, 'inboundUsername');
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, allowedSources: ['10.0.0.1'], callerId: '12' },
        400,
        'SWB_NUMBER_INVALID',
      );
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, allowedSources: ['10.0.0.1'], port: 70000 },
        400,
        'SWB_VALIDATION',
      );
      await fails(
        'POST',
        '/api/v1/trunks',
        { ...base, allowedSources: ['10.0.0.1'], transport: 'sctp' },
        400,
        'SWB_VALIDATION',
      );
      await fails(
        'POST',
        '/api/v1/trunks',
        { name: 'China Telecom inbound', host: '203.0.113.11' },
        409,
        'SWB_CONFLICT',
      );
      await fails('PATCH', `/api/v1/trunks/${regTrunk.id}`, { password: 'x' }, 400, 'SWB_VALIDATION');
    });

    it('a trunk used by a number cannot be deleted until the number leaves it', async () => {
      const n = await call('POST', '/api/v1/numbers', {
        number: '021-6288 0000',
        kind: 'did',
        trunkId: ipTrunk.id,
        entryPoint: 'user:1001',
      });
      assert.equal(n.statusCode, 201, n.body);
      const del = await call('DELETE', `/api/v1/trunks/${ipTrunk.id}`);
      assert.equal(del.statusCode, 409);
      assert.equal(json(del).code, 'SWB_TRUNK_IN_USE');
      const filtered = json<{ items: Obj[] }>(await call('GET', `/api/v1/numbers?trunkId=${ipTrunk.id}`));
      assert.equal(filtered.items.length, 1);
      assert.equal(
        (await call('PATCH', `/api/v1/numbers/${json<Obj>(n).id}`, { trunkId: null })).statusCode,
        200,
      );
      assert.equal((await call('DELETE', `/api/v1/trunks/${ipTrunk.id}`)).statusCode, 204);
      assert.equal((await call('GET', `/api/v1/trunks/${ipTrunk.id}`)).statusCode, 404);
    });
  });
}
