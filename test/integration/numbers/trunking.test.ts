import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/kernel/logger.js';
import { DEMO_NUMBERS } from '../../../src/numbers/demo-numbers.js';
import { prepareTrunking, type Trunking } from '../../../src/numbers/trunking.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

/**
 * The SIP-facing side of the numbers module over a real database (both engines): the trusted
 * trunk sources follow trunk changes through config.changed, and trunk calls are routed by
 * called number with the tenant checks.
 */
for (const engine of ENGINES) {
  describe(`trunking over the database [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let trunking: Trunking;
    let admin: string;
    let demoTenant = '';

    before(async () => {
      t = await testApp(engine);
      trunking = await prepareTrunking({
        db: t.db.kysely,
        clock: t.clock,
        logger: silentLogger,
        bus: t.bus,
        outboundLimits: {
          accountMaxConcurrent: 2,
          accountMaxPerMinute: 10,
          tenantMaxConcurrent: 20,
          tenantMaxPerMinute: 60,
        },
      });
      admin = await login(t.app, 'demo', 'admin');
      const me = json<{ tenantId: string }>(
        await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: admin } }),
      );
      demoTenant = me.tenantId;
    });
    after(async () => {
      trunking?.close();
      await t?.close();
    });

    /** config.changed is published after commit; the reload is asynchronous. */
    const settle = async (until: () => boolean) => {
      for (let i = 0; i < 100 && !until(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(until(), JSON.stringify(trunking.trunks));
    };

    it('starts with the demo trunk trusted from its own host:port', () => {
      assert.deepEqual(trunking.trunks, [
        { host: DEMO_NUMBERS.trunk.host, port: DEMO_NUMBERS.trunk.port, tenantId: demoTenant },
      ]);
    });

    it('a new IP trunk is trusted as soon as it is stored; a disabled one no longer', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/trunks',
        headers: { cookie: admin },
        payload: { name: 'CT', host: 'sip.ct.example', allowedSources: ['192.0.2.8/31'] },
      });
      assert.equal(r.statusCode, 201, r.body);
      await settle(() => trunking.trunks.some((x) => x.host === '192.0.2.9'));
      assert.deepEqual(
        trunking.trunks.filter((x) => x.host.startsWith('192.0.2.')),
        [
          { host: '192.0.2.8', tenantId: demoTenant },
          { host: '192.0.2.9', tenantId: demoTenant },
        ],
      );
      const id = json<{ id: string }>(r).id;
      const off = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/trunks/${id}`,
        headers: { cookie: admin },
        payload: { enabled: false },
      });
      assert.equal(off.statusCode, 200);
      await settle(() => !trunking.trunks.some((x) => x.host === '192.0.2.9'));
    });

    it('routes a trunk call by called number: 400 in To over the access number, caller normalized', async () => {
      const d = await trunking.routing.route({
        calledUser: '01055500100',
        originalUsers: ['4005550100'],
        callerUser: '13800138000',
        sourceIp: '127.0.0.1',
        sourcePort: 5070,
        trunkTenantId: demoTenant,
        now: Date.parse('2026-11-23T02:00:00Z'), // Monday 10:00 Shanghai
      });
      assert.equal(d.entryPoint, 'user:1001');
      assert.equal(d.reason, 'access-number-rule');
      assert.equal(d.servedNumber, '+864005550100');
      assert.equal(d.callerNumber, '+8613800138000');
      assert.equal(d.sipDomain, 'demo.switchboard.local');
      assert.equal(d.tenantId, demoTenant);
      assert.match(d.trunkId ?? '', /^trk_/);
    });

    it('a trunk of another tenant, an unknown number or a non-number is not routed', async () => {
      const base = {
        originalUsers: [],
        callerUser: undefined,
        sourceIp: '192.0.2.200',
        sourcePort: 5060,
        now: 0,
      };
      const foreign = await trunking.routing.route({
        ...base,
        calledUser: '+861055500100',
        trunkTenantId: 'ten_other',
      });
      assert.equal(foreign.entryPoint, null);
      assert.equal(foreign.tenantId, null);
      const unknown = await trunking.routing.route({
        ...base,
        calledUser: '+861099999999',
        trunkTenantId: undefined,
      });
      assert.equal(unknown.reason, 'unknown-number');
      const junk = await trunking.routing.route({
        ...base,
        calledUser: 'sipvicious',
        trunkTenantId: undefined,
      });
      assert.equal(junk.reason, 'unknown-number');
    });

    it('an outside number dialled by a demo phone goes out over the demo trunk', () => {
      const p = trunking.routing.outbound(demoTenant, '13800138000');
      assert.equal(
        p?.uri,
        `sip:+8613800138000@${DEMO_NUMBERS.trunk.host}:${DEMO_NUMBERS.trunk.port};user=phone`,
      );
      assert.equal(p?.from, `<sip:${DEMO_NUMBERS.access.number}@${DEMO_NUMBERS.trunk.host}>`);
      assert.equal(trunking.routing.outbound('ten_other', '13800138000'), undefined);
    });
  });
}
