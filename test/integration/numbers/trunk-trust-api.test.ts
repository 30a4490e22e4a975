import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/kernel/logger.js';
import { DEMO_NUMBERS } from '../../../src/numbers/demo-numbers.js';
import { prepareTrunking, type Trunking } from '../../../src/numbers/trunking.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = Record<string, unknown>;

/**
 * Who may make a trunk trust what, over HTTP on both engines: exact address:port for tenant
 * admins (never another tenant's), ranges and shared sources only through an approval of the
 * platform operator — and the SIP-side index follows approvals as they come and go.
 */
for (const engine of ENGINES) {
  describe(`trunk source approvals [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let trunking: Trunking;
    let root: string;
    let demo: string;
    let bravo: string;
    let bravoId: string;
    let demoId: string;

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
      root = await login(t.app, 'operator', 'root', 'Switchboard@2026');
      demo = await login(t.app, 'demo', 'admin');
      demoId = json<{ tenantId: string }>(
        await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: demo } }),
      ).tenantId;
      const b = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tenants',
        headers: { cookie: root },
        payload: { name: 'Bravo', slug: 'bravo', admin: { username: 'admin', password: 'BravoPass#1' } },
      });
      assert.equal(b.statusCode, 201, b.body);
      bravoId = json<{ id: string }>(b).id;
      bravo = await login(t.app, 'bravo', 'admin', 'BravoPass#1');
    });
    after(async () => {
      trunking?.close();
      await t?.close();
    });

    const call = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Obj) =>
      t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const newTrunk = (cookie: string, name: string, allowedSources: string[]) =>
      call(cookie, 'POST', '/api/v1/trunks', { name, host: 'sip.carrier.example', allowedSources });
    const code = (r: { body: string }) => json<{ code: string }>(r as never).code;
    const opts: SipRequest = {
      type: 'request',
      method: 'OPTIONS',
      uri: 'sip:127.0.0.1',
      version: 'SIP/2.0',
      headers: [],
      body: Buffer.alloc(0),
    };
    const trusted = (ip: string, port: number) =>
      trunking.trunkOf({ remoteAddress: ip, remotePort: port }, opts)?.tenantIds;
    const settle = async (until: () => boolean) => {
      for (let i = 0; i < 200 && !until(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(until());
    };

    it("refuses another tenant's address:port, any-port addresses and ranges without approval (400 + code)", async () => {
      const a = `${DEMO_NUMBERS.trunk.host}:${DEMO_NUMBERS.trunk.port}`;
      assert.equal(code(await newTrunk(bravo, 'x1', [a])), 'SWB_TRUNK_SOURCE_CONFLICT');
      assert.equal(code(await newTrunk(bravo, 'x2', ['0.0.0.0/0'])), 'SWB_TRUNK_SOURCE_NOT_APPROVED');
      assert.equal(code(await newTrunk(bravo, 'x3', ['::/0'])), 'SWB_TRUNK_SOURCE_NOT_APPROVED');
      assert.equal(code(await newTrunk(bravo, 'x4', ['127.0.0.1'])), 'SWB_TRUNK_SOURCE_NOT_APPROVED');
      const other = await newTrunk(bravo, 'ok', ['127.0.0.1:5071']);
      assert.equal(other.statusCode, 201, other.body);
      // and the demo tenant cannot now take Bravo's
      assert.equal(code(await newTrunk(demo, 'y', ['127.0.0.0/24'])), 'SWB_TRUNK_SOURCE_NOT_APPROVED');
      assert.equal(code(await newTrunk(demo, 'y', ['127.0.0.1:5071'])), 'SWB_TRUNK_SOURCE_CONFLICT');
      await settle(() => trusted('127.0.0.1', 5071)?.[0] === bravoId);
      assert.deepEqual(trusted('127.0.0.1', DEMO_NUMBERS.trunk.port), [demoId]);
    });

    it('only the platform operator approves; the tenant reads its own approvals, not others', async () => {
      const url = `/api/v1/tenants/${bravoId}/trunk-source-approvals`;
      assert.equal((await call(bravo, 'POST', url, { cidr: '198.51.100.0/24' })).statusCode, 403);
      assert.equal(code(await call(root, 'POST', url, { cidr: '198.51.100.0/33' })), 'SWB_TRUNK_INVALID');
      const ok = await call(root, 'POST', url, { cidr: '198.51.100.7/24', note: 'carrier SBC' });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(json<Obj>(ok).cidr, '198.51.100.0/24');
      assert.equal((await call(root, 'POST', url, { cidr: '198.51.100.0/24' })).statusCode, 409);
      const mine = json<{ items: Obj[] }>(await call(bravo, 'GET', url));
      assert.deepEqual(
        mine.items.map((x) => x.cidr),
        ['198.51.100.0/24'],
      );
      assert.equal((await call(demo, 'GET', url)).statusCode, 404);
      // audited in the tenant's own log
      const audit = json<{ items: Obj[] }>(
        await call(bravo, 'GET', '/api/v1/audit-log?resourceType=trunk-source-approval'),
      );
      assert.equal(audit.items.length, 1, JSON.stringify(audit));
    });

    it('an approved range trusts any port; it lets a tenant share a source; withdrawing it ends the trust', async () => {
      const url = `/api/v1/tenants/${bravoId}/trunk-source-approvals`;
      const r = await newTrunk(bravo, 'range', ['198.51.100.0/25']);
      assert.equal(r.statusCode, 201, r.body);
      await settle(() => trusted('198.51.100.9', 40123)?.[0] === bravoId);
      assert.equal(trusted('198.51.100.200', 5060), undefined, 'outside what the trunk lists');
      // sharing the demo carrier needs an approval for Bravo covering it
      const shared = `${DEMO_NUMBERS.trunk.host}:${DEMO_NUMBERS.trunk.port}`;
      assert.equal(code(await newTrunk(bravo, 'shared', [shared])), 'SWB_TRUNK_SOURCE_CONFLICT');
      const ap = await call(root, 'POST', url, { cidr: `${DEMO_NUMBERS.trunk.host}/32` });
      assert.equal(ap.statusCode, 201, ap.body);
      const s = await newTrunk(bravo, 'shared', [shared]);
      assert.equal(s.statusCode, 201, s.body);
      await settle(() => (trusted(DEMO_NUMBERS.trunk.host, DEMO_NUMBERS.trunk.port)?.length ?? 0) === 2);
      // withdraw the range approval: the range trusts nothing at the next reload
      const list = json<{ items: { id: string; cidr: string }[] }>(await call(root, 'GET', url));
      const range = list.items.find((x) => x.cidr === '198.51.100.0/24')!;
      assert.equal((await call(bravo, 'DELETE', `${url}/${range.id}`)).statusCode, 403);
      assert.equal((await call(root, 'DELETE', `${url}/${range.id}`)).statusCode, 204);
      await settle(() => trusted('198.51.100.9', 40123) === undefined);
      // the trunk can still be disabled (a disabled trunk trusts nothing), not re-enabled unapproved
      const id = json<{ id: string }>(r).id;
      assert.equal((await call(bravo, 'PATCH', `/api/v1/trunks/${id}`, { enabled: false })).statusCode, 200);
      const back = await call(bravo, 'PATCH', `/api/v1/trunks/${id}`, { enabled: true });
      assert.equal(code(back), 'SWB_TRUNK_SOURCE_NOT_APPROVED');
    });
  });
}
