import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isUniqueViolation } from '../../../src/numbers/numbers-service.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

type Obj = Record<string, unknown> & { id: string };

/**
 * Numbers, access numbers, routing rules and the route-test dry run through the API, on both
 * engines: CRUD with audit entries, normalization, 400 → access number routing, and bad input
 * answered with stable codes.
 */
for (const engine of ENGINES) {
  describe(`numbers API [${engine.name}]`, { skip: engine.skip }, () => {
    let t: TestApp;
    let cookie: string;
    const call = async (
      method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
      url: string,
      payload?: unknown,
    ) =>
      t.app.inject({
        method,
        url,
        headers: { cookie },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const ok = async (
      method: 'POST' | 'PATCH' | 'PUT',
      url: string,
      payload: unknown,
      status = method === 'POST' ? 201 : 200,
    ) => {
      const r = await call(method, url, payload);
      assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
      return json<Obj>(r);
    };
    const fails = async (
      method: 'POST' | 'PATCH' | 'PUT',
      url: string,
      payload: unknown,
      status: number,
      code: string,
    ) => {
      const r = await call(method, url, payload);
      assert.equal(r.statusCode, status, `${method} ${url} ${JSON.stringify(payload)}: ${r.body}`);
      assert.equal(json(r).code, code, r.body);
    };
    let access: Obj;
    let a400: Obj;
    let b400: Obj;

    before(async () => {
      t = await testApp(engine);
      cookie = await login(t.app, 'demo', 'admin');
    });
    after(async () => t?.close());

    it('creates numbers in national formats, stored as E.164, with an audit entry', async () => {
      access = await ok('POST', '/api/v1/numbers', {
        number: '010-8888 0000',
        kind: 'access',
        label: 'Beijing access 接入号',
        entryPoint: 'user:1001',
      });
      assert.equal(access.number, '+861088880000');
      assert.equal(access.display, '010-88880000');
      assert.match(access.id, /^num_/);
      a400 = await ok('POST', '/api/v1/numbers', {
        number: '400-123-4567',
        kind: '400',
        label: 'Hotline A',
        accessNumberIds: [access.id],
        entryPoint: 'ivr:a',
      });
      assert.equal(a400.number, '+864001234567');
      assert.deepEqual(a400.accessNumberIds, [access.id]);
      b400 = await ok('POST', '/api/v1/numbers', {
        number: '4007654321',
        kind: '400',
        accessNumberIds: [access.id],
      });
      const audit = json<{ items: Obj[] }>(
        await call('GET', `/api/v1/audit-log?resourceType=number&resourceId=${a400.id}`),
      );
      assert.equal(audit.items.length, 1);
      assert.equal(audit.items[0]!.action, 'create');
      assert.equal((audit.items[0]!.after as Obj).number, '+864001234567');
    });

    it('the same number twice is 409 SWB_NUMBER_TAKEN, whatever its format', async () => {
      await fails(
        'POST',
        '/api/v1/numbers',
        { number: '+86 400 123 4567', kind: '400' },
        409,
        'SWB_NUMBER_TAKEN',
      );
    });

    it('concurrent creates of one number: exactly one wins, the others get 409', async () => {
      const rs = await Promise.all(
        Array.from({ length: 5 }, () =>
          call('POST', '/api/v1/numbers', { number: '021-3333 4444', kind: 'did' }),
        ),
      );
      assert.deepEqual(
        rs.map((r) => r.statusCode).sort(),
        [201, 409, 409, 409, 409],
        rs.map((r) => r.body).join('\n'),
      );
      for (const r of rs.filter((x) => x.statusCode === 409)) assert.equal(json(r).code, 'SWB_NUMBER_TAKEN');
      const won = json<Obj>(rs.find((r) => r.statusCode === 201)!);
      // when two creates pass the existence check together, the unique index rejects the second
      // insert; that driver error is recognised and answered 409 like the check
      const row = await t.db.kysely
        .selectFrom('numbers')
        .selectAll()
        .where('id', '=', won.id)
        .executeTakeFirstOrThrow();
      const dup = await t.db.kysely
        .insertInto('numbers')
        .values({ ...row, id: 'num_duplicate0000000000' })
        .execute()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(dup !== undefined, 'the unique index must reject a second owner');
      assert.equal(isUniqueViolation(dup), true, String(dup));
      assert.equal(isUniqueViolation(new Error('connection refused')), false);
      assert.equal((await call('DELETE', `/api/v1/numbers/${won.id}`)).statusCode, 204);
    });

    it('lists, filters by kind and searches by number or label', async () => {
      // the demo seed brings an access number and a 400 number of its own
      const all = json<{ items: Obj[] }>(await call('GET', '/api/v1/numbers'));
      assert.equal(all.items.length, 5);
      const only400 = json<{ items: Obj[] }>(await call('GET', '/api/v1/numbers?kind=400'));
      assert.deepEqual(only400.items.map((n) => n.number).sort(), [
        '+864001234567',
        '+864005550100',
        '+864007654321',
      ]);
      const q = json<{ items: Obj[] }>(await call('GET', '/api/v1/numbers?q=hotline%20a'));
      assert.deepEqual(
        q.items.map((n) => n.id),
        [a400.id],
      );
      const byDigits = json<{ items: Obj[] }>(await call('GET', '/api/v1/numbers?q=8888'));
      assert.deepEqual(
        byDigits.items.map((n) => n.id),
        [access.id],
      );
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 5; i++) {
        const page = json<{ items: Obj[]; nextCursor: string | null }>(
          await call('GET', `/api/v1/numbers?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        );
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((n) => n.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      assert.deepEqual([...seen].sort(), all.items.map((n) => n.id).sort());
    });

    it('routing rules are replaced atomically, audited, and drive the route-test dry run', async () => {
      const rules = await ok('PUT', `/api/v1/numbers/${a400.id}/routing-rules`, {
        rules: [
          { name: 'National Day', match: { dates: ['2026-10-01', '2026-10-02'] }, entryPoint: 'ivr:holiday' },
          { name: 'VIP', match: { vipCallers: ['139 0000 0001'] }, entryPoint: 'queue:vip' },
          {
            name: 'Business hours',
            match: {
              timeWindows: [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
              callerPrefixes: ['010'],
            },
            entryPoint: 'user:1001',
          },
        ],
      });
      const items = rules.items as Obj[];
      assert.equal(items.length, 3);
      assert.deepEqual((items[2]!.match as Obj).callerPrefixes, ['+8610']);
      const got = json<{ items: Obj[] }>(await call('GET', `/api/v1/numbers/${a400.id}/routing-rules`));
      assert.deepEqual(
        got.items.map((r) => r.name),
        ['National Day', 'VIP', 'Business hours'],
      );

      const test = async (p: Record<string, unknown>) => ok('POST', '/api/v1/numbers/route-test', p, 200);
      // Monday 2026-11-23 10:00 Shanghai, a Beijing caller, 400 delivered over the access number
      const r1 = await test({
        calledNumber: '010-88880000',
        originalCalledNumber: '400-123-4567',
        callerNumber: '010-12345678',
        at: '2026-11-23T02:00:00Z',
      });
      assert.equal(r1.entryPoint, 'user:1001');
      assert.equal(r1.ruleId, items[2]!.id);
      assert.equal(r1.servedNumber, '+864001234567');
      assert.equal(r1.localTime, '2026-11-23 10:00');
      assert.equal(r1.timeZone, 'Asia/Shanghai');
      assert.ok((r1.trace as string[]).length > 0);
      const r2 = await test({
        calledNumber: '+864001234567',
        callerNumber: '13900000001',
        at: '2026-11-22T02:00:00Z',
      });
      assert.equal(r2.entryPoint, 'queue:vip');
      const r3 = await test({ calledNumber: '4001234567', at: '2026-10-01T02:00:00Z' });
      assert.equal(r3.entryPoint, 'ivr:holiday');
      const r4 = await test({
        calledNumber: '010-88880000',
        originalCalledNumber: '4007654321',
        at: '2026-11-23T02:00:00Z',
      });
      assert.equal(r4.entryPoint, 'user:1001');
      assert.equal(r4.reason, 'access-number-default');
      const r5 = await test({ calledNumber: '010-99999999' });
      assert.equal(r5.reason, 'unknown-number');
      assert.equal(r5.entryPoint, null);

      const audit = json<{ items: Obj[] }>(
        await call('GET', `/api/v1/audit-log?resourceType=routing_rules&resourceId=${a400.id}`),
      );
      assert.equal(audit.items.length, 1);
    });

    it('a number override of the time zone is used by route-test', async () => {
      await ok('PATCH', `/api/v1/numbers/${b400.id}`, { timeZone: 'Europe/Paris', entryPoint: null });
      await ok('PUT', `/api/v1/numbers/${b400.id}/routing-rules`, {
        rules: [{ match: { timeWindows: [{ from: '02:00', to: '03:00' }] }, entryPoint: 'ivr:night' }],
      });
      // 2026-10-25 00:30Z and 01:30Z are both 02:30 in Paris (fall-back day)
      for (const at of ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z']) {
        const r = await ok('POST', '/api/v1/numbers/route-test', { calledNumber: '4007654321', at }, 200);
        assert.equal(r.entryPoint, 'ivr:night', at);
        assert.equal(r.timeZone, 'Europe/Paris');
      }
    });

    it('updates and deletes with before/after in the audit log; rules and bindings go with the number', async () => {
      const upd = await ok('PATCH', `/api/v1/numbers/${a400.id}`, {
        label: 'Hotline A 热线',
        enabled: false,
      });
      assert.equal(upd.label, 'Hotline A 热线');
      assert.equal(upd.enabled, false);
      const del = await call('DELETE', `/api/v1/numbers/${access.id}`);
      assert.equal(del.statusCode, 204);
      const after400 = json<Obj>(await call('GET', `/api/v1/numbers/${a400.id}`));
      assert.deepEqual(after400.accessNumberIds, []);
      assert.equal((await call('DELETE', `/api/v1/numbers/${a400.id}`)).statusCode, 204);
      const rows = await t.db.kysely
        .selectFrom('routing_rules')
        .select('id')
        .where('number_id', '=', a400.id)
        .execute();
      assert.equal(rows.length, 0);
      const audit = json<{ items: Obj[] }>(
        await call('GET', `/api/v1/audit-log?resourceType=number&resourceId=${a400.id}`),
      );
      assert.deepEqual(audit.items.map((e) => e.action).sort(), ['create', 'delete', 'update']);
    });

    it('bad input gets 400 with stable codes', async () => {
      const url = '/api/v1/numbers';
      await fails('POST', url, { number: '12345', kind: 'did' }, 400, 'SWB_NUMBER_INVALID');
      await fails('POST', url, { number: '+0123456789', kind: 'did' }, 400, 'SWB_NUMBER_INVALID');
      await fails('POST', url, { number: '010-12345678', kind: '400' }, 400, 'SWB_NUMBER_KIND');
      await fails(
        'POST',
        url,
        { number: '010-12345679', kind: 'did', entryPoint: 'pstn:1' },
        400,
        'SWB_NUMBER_ENTRY_POINT',
      );
      await fails(
        'POST',
        url,
        { number: '010-12345679', kind: 'did', timeZone: 'Mars/Olympus' },
        400,
        'SWB_NUMBER_TIMEZONE',
      );
      await fails('POST', url, { number: '010-12345679', kind: 'fax' }, 400, 'SWB_VALIDATION');
      await fails('POST', url, { number: '010-12345679', kind: 'did', owner: 'x' }, 400, 'SWB_VALIDATION');
      await fails(
        'POST',
        url,
        { number: '010-12345679', kind: 'did', accessNumberIds: [b400.id] },
        400,
        'SWB_NUMBER_KIND',
      );
      await fails(
        'POST',
        url,
        { number: '4001112222', kind: '400', accessNumberIds: [b400.id] },
        400,
        'SWB_VALIDATION',
      );
      await fails(
        'POST',
        url,
        { number: '010-12345679', kind: 'did', trunkId: 'trk_doesnotexist1' },
        400,
        'SWB_VALIDATION',
      );
      const rules = `/api/v1/numbers/${b400.id}/routing-rules`;
      const win = (from: string, to: string, weekdays?: number[]) => ({
        rules: [
          { match: { timeWindows: [{ from, to, ...(weekdays ? { weekdays } : {}) }] }, entryPoint: 'user:1' },
        ],
      });
      await fails('PUT', rules, win('09:00', '09:00'), 400, 'SWB_NUMBER_RULE_INVALID');
      await fails('PUT', rules, win('25:00', '09:00'), 400, 'SWB_NUMBER_RULE_INVALID');
      await fails('PUT', rules, win('09:00', '18:00', [0]), 400, 'SWB_VALIDATION');
      await fails(
        'PUT',
        rules,
        {
          rules: [
            {
              match: {
                timeWindows: [
                  { weekdays: [1], from: '09:00', to: '12:00' },
                  { weekdays: [1], from: '11:30', to: '13:00' },
                ],
              },
              entryPoint: 'user:1',
            },
          ],
        },
        400,
        'SWB_NUMBER_RULE_INVALID',
      );
      await fails(
        'PUT',
        rules,
        { rules: [{ match: { dates: ['2026-02-30'] }, entryPoint: 'user:1' }] },
        400,
        'SWB_NUMBER_RULE_INVALID',
      );
      await fails(
        'PUT',
        rules,
        { rules: [{ match: { callerPrefixes: ['abc'] }, entryPoint: 'user:1' }] },
        400,
        'SWB_NUMBER_INVALID',
      );
      await fails(
        'PUT',
        rules,
        { rules: [{ entryPoint: 'user:1' }, { entryPoint: 'user:2', match: { callerPrefixes: ['010'] } }] },
        400,
        'SWB_NUMBER_RULE_INVALID',
      );
      await fails('POST', '/api/v1/numbers/route-test', { calledNumber: 'abc' }, 400, 'SWB_NUMBER_INVALID');
      await fails(
        'POST',
        '/api/v1/numbers/route-test',
        { calledNumber: '4007654321', at: 'yesterday' },
        400,
        'SWB_VALIDATION',
      );
      // nothing of the rejected rule lists was stored
      const got = json<{ items: Obj[] }>(await call('GET', rules));
      assert.deepEqual(
        got.items.map((r) => r.entryPoint),
        ['ivr:night'],
      );
    });

    it('the demo 400 number delivered directly routes like its access number (route-test)', async () => {
      const test = async (at: string) =>
        ok('POST', '/api/v1/numbers/route-test', { calledNumber: '400-555-0100', at }, 200);
      const open = await test('2026-11-23T02:00:00Z'); // Monday 10:00 Shanghai
      assert.equal(open.entryPoint, 'user:1001');
      assert.equal(open.reason, 'access-number-rule');
      assert.equal(open.servedNumber, '+864005550100');
      const night = await test('2026-11-23T14:00:00Z'); // Monday 22:00 Shanghai
      assert.equal(night.entryPoint, 'user:1002');
      assert.equal(night.reason, 'access-number-default');
    });

    it('an agent without config:manage gets 403', async () => {
      const agent = await login(t.app, 'demo', '1001');
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/numbers', headers: { cookie: agent } });
      assert.equal(r.statusCode, 403);
      const w = await t.app.inject({
        method: 'POST',
        url: '/api/v1/numbers',
        headers: { cookie: agent },
        payload: { number: '010-12340000', kind: 'did' },
      });
      assert.equal(w.statusCode, 403);
    });
  });
}
