import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localTime } from '../../../src/numbers/local-time.js';
import { planOf, type RouteInput, route } from '../../../src/numbers/router.js';
import type { PlanNumber, RoutingRule, RuleMatch } from '../../../src/numbers/types.js';

let seq = 0;
const rule = (entryPoint: string, match: RuleMatch, name = `r${++seq}`): RoutingRule => ({
  id: `rul_${name}`,
  name,
  enabled: true,
  match,
  entryPoint,
});

const num = (p: Partial<PlanNumber> & { id: string; number: string }): PlanNumber => ({
  tenantId: 'ten_a',
  kind: 'did',
  enabled: true,
  entryPoint: null,
  timeZone: null,
  rules: [],
  accessNumberIds: [],
  ...p,
});

const at = (iso: string) => Date.parse(iso);

function routeTo(n: PlanNumber | PlanNumber[], p: Partial<RouteInput> & { now: number }) {
  const list = Array.isArray(n) ? n : [n];
  return route({ calledNumber: list[0]!.number, timeZone: 'Asia/Shanghai', plan: planOf(list), ...p });
}

const BUSINESS = rule(
  'user:1001',
  { timeWindows: [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }] },
  'business',
);

describe('route(): time of day in the tenant time zone', () => {
  const did = num({ id: 'num_did', number: '+861012345678', rules: [BUSINESS], entryPoint: 'user:1002' });

  it('business hours (Monday 16:00 Shanghai = 08:00 UTC) reach the business rule', () => {
    const d = routeTo(did, { now: at('2026-11-23T08:00:00Z') });
    assert.equal(d.entryPoint, 'user:1001');
    assert.equal(d.ruleId, 'rul_business');
    assert.equal(d.reason, 'rule');
    assert.equal(d.tenantId, 'ten_a');
  });

  it('the window end is exclusive and the start inclusive', () => {
    assert.equal(routeTo(did, { now: at('2026-11-23T10:00:00Z') }).entryPoint, 'user:1002'); // 18:00
    assert.equal(routeTo(did, { now: at('2026-11-23T09:59:00Z') }).entryPoint, 'user:1001'); // 17:59
    assert.equal(routeTo(did, { now: at('2026-11-23T01:00:00Z') }).entryPoint, 'user:1001'); // 09:00
    assert.equal(routeTo(did, { now: at('2026-11-23T00:59:00Z') }).entryPoint, 'user:1002'); // 08:59
  });

  it('after hours and weekends fall to the default entry point', () => {
    const d = routeTo(did, { now: at('2026-11-22T03:00:00Z') }); // Sunday 11:00
    assert.equal(d.entryPoint, 'user:1002');
    assert.equal(d.reason, 'default');
    assert.equal(d.ruleId, null);
  });

  it('uses the time zone given: 08:00 UTC is 09:00 in Paris (winter), 16:00 in Shanghai', () => {
    const paris = routeTo(did, { now: at('2026-11-23T08:00:00Z'), timeZone: 'Europe/Paris' });
    assert.equal(paris.entryPoint, 'user:1001');
    const early = routeTo(did, { now: at('2026-11-23T07:59:00Z'), timeZone: 'Europe/Paris' });
    assert.equal(early.entryPoint, 'user:1002');
  });

  it("a number's own time zone overrides the tenant's", () => {
    const ny = { ...did, timeZone: 'America/New_York' };
    assert.equal(routeTo(ny, { now: at('2026-11-23T08:00:00Z') }).entryPoint, 'user:1002'); // 03:00 NY
    assert.equal(routeTo(ny, { now: at('2026-11-23T14:00:00Z') }).entryPoint, 'user:1001'); // 09:00 NY
  });

  it('no rule and no default → no-match with entryPoint null', () => {
    const bare = num({ id: 'num_bare', number: '+861000000000', rules: [BUSINESS] });
    const d = routeTo(bare, { now: at('2026-11-22T03:00:00Z') });
    assert.equal(d.entryPoint, null);
    assert.equal(d.reason, 'no-match');
  });
});

describe('route(): DST edges (Europe/Paris)', () => {
  const night = rule('ivr:night', { timeWindows: [{ from: '02:00', to: '03:00' }] }, 'two-to-three');
  const did = num({ id: 'num_p', number: '+33123456789', rules: [night], entryPoint: 'user:1002' });
  const tz = 'Europe/Paris';

  it('on the spring-forward day (2026-03-29) 02:00–03:00 never happens, so the rule never matches', () => {
    for (let m = 0; m <= 180; m += 5) {
      const now = at('2026-03-29T00:00:00Z') + m * 60_000; // 01:00 CET … 04:00 CEST
      assert.equal(routeTo(did, { now, timeZone: tz }).entryPoint, 'user:1002', new Date(now).toISOString());
    }
    // the local clock jumps from 01:59 to 03:00
    assert.equal(localTime(at('2026-03-29T00:59:00Z'), tz).minute, 1 * 60 + 59);
    assert.equal(localTime(at('2026-03-29T01:00:00Z'), tz).minute, 3 * 60);
  });

  it('on the fall-back day (2026-10-25) 02:30 happens twice and both instants match', () => {
    assert.equal(routeTo(did, { now: at('2026-10-25T00:30:00Z'), timeZone: tz }).entryPoint, 'ivr:night');
    assert.equal(routeTo(did, { now: at('2026-10-25T01:30:00Z'), timeZone: tz }).entryPoint, 'ivr:night');
    assert.equal(routeTo(did, { now: at('2026-10-25T02:00:00Z'), timeZone: tz }).entryPoint, 'user:1002');
  });

  it('business hours follow the local clock across the change (09:00 is 08:00Z in winter, 07:00Z in summer)', () => {
    const b = num({ id: 'num_b', number: '+33123450000', rules: [BUSINESS], entryPoint: 'user:1002' });
    assert.equal(routeTo(b, { now: at('2026-03-27T08:00:00Z'), timeZone: tz }).entryPoint, 'user:1001');
    assert.equal(routeTo(b, { now: at('2026-03-27T07:30:00Z'), timeZone: tz }).entryPoint, 'user:1002');
    assert.equal(routeTo(b, { now: at('2026-03-30T07:00:00Z'), timeZone: tz }).entryPoint, 'user:1001');
    assert.equal(routeTo(b, { now: at('2026-03-30T06:59:00Z'), timeZone: tz }).entryPoint, 'user:1002');
  });
});

describe('route(): windows spanning midnight', () => {
  const fridayNight = rule(
    'ivr:late',
    { timeWindows: [{ weekdays: [5], from: '22:00', to: '06:00' }] },
    'fri-night',
  );
  const did = num({ id: 'num_n', number: '+861011112222', rules: [fridayNight], entryPoint: 'user:1002' });
  const sh = (local: string) => at(`${local}+08:00`);

  it('matches Friday 22:00 to Saturday 05:59 (the window belongs to the day it opens)', () => {
    assert.equal(routeTo(did, { now: sh('2026-11-27T22:00:00') }).entryPoint, 'ivr:late');
    assert.equal(routeTo(did, { now: sh('2026-11-27T23:59:00') }).entryPoint, 'ivr:late');
    assert.equal(routeTo(did, { now: sh('2026-11-28T00:00:00') }).entryPoint, 'ivr:late');
    assert.equal(routeTo(did, { now: sh('2026-11-28T05:59:00') }).entryPoint, 'ivr:late');
  });

  it('does not match Friday before 06:00 (opened Thursday) nor Saturday night', () => {
    assert.equal(routeTo(did, { now: sh('2026-11-27T03:00:00') }).entryPoint, 'user:1002');
    assert.equal(routeTo(did, { now: sh('2026-11-28T06:00:00') }).entryPoint, 'user:1002');
    assert.equal(routeTo(did, { now: sh('2026-11-28T22:30:00') }).entryPoint, 'user:1002');
    assert.equal(routeTo(did, { now: sh('2026-11-27T21:59:00') }).entryPoint, 'user:1002');
  });

  it('a window to 24:00 covers the rest of the day', () => {
    const evening = rule('ivr:eve', { timeWindows: [{ from: '18:00', to: '24:00' }] });
    const n = num({ id: 'num_e', number: '+861033334444', rules: [evening], entryPoint: 'user:1002' });
    assert.equal(routeTo(n, { now: sh('2026-11-23T23:59:00') }).entryPoint, 'ivr:eve');
    assert.equal(routeTo(n, { now: sh('2026-11-24T00:00:00') }).entryPoint, 'user:1002');
  });
});

describe('route(): holidays', () => {
  const golden = ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'];
  const holiday = rule('ivr:holiday', { dates: golden }, 'national-day');
  const business = rule(
    'user:1001',
    { timeWindows: [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }], exceptDates: ['2026-12-31'] },
    'business-except',
  );
  const did = num({
    id: 'num_h',
    number: '+861055556666',
    rules: [holiday, business],
    entryPoint: 'user:1002',
  });
  const sh = (local: string) => at(`${local}+08:00`);

  it('a holiday rule before business hours wins on the holiday (Thursday 2026-10-01 10:00)', () => {
    const d = routeTo(did, { now: sh('2026-10-01T10:00:00') });
    assert.equal(d.entryPoint, 'ivr:holiday');
    assert.equal(d.ruleId, 'rul_national-day');
  });

  it('the day after the holidays is a business day again', () => {
    assert.equal(routeTo(did, { now: sh('2026-10-08T10:00:00') }).entryPoint, 'user:1001');
  });

  it('exceptDates take a day out of a rule', () => {
    assert.equal(routeTo(did, { now: sh('2026-12-31T10:00:00') }).entryPoint, 'user:1002');
    assert.equal(routeTo(did, { now: sh('2026-12-30T10:00:00') }).entryPoint, 'user:1001');
  });

  it('dates of a midnight-spanning window refer to the day it opened', () => {
    const eve = rule('ivr:eve', { dates: ['2026-12-31'], timeWindows: [{ from: '20:00', to: '02:00' }] });
    const n = num({ id: 'num_ny', number: '+861077778888', rules: [eve], entryPoint: 'user:1002' });
    assert.equal(routeTo(n, { now: sh('2026-12-31T21:00:00') }).entryPoint, 'ivr:eve');
    assert.equal(routeTo(n, { now: sh('2027-01-01T01:00:00') }).entryPoint, 'ivr:eve');
    assert.equal(routeTo(n, { now: sh('2027-01-01T21:00:00') }).entryPoint, 'user:1002');
  });
});

describe('route(): caller conditions', () => {
  const vip = rule('queue:vip', { vipCallers: ['+8613900000001'] }, 'vip');
  const beijing = rule('queue:bj', { callerPrefixes: ['+8610'] }, 'beijing');
  const mobile = rule('queue:mobile', { callerPrefixes: ['+86138', '+86139'] }, 'mobile');
  const did = num({
    id: 'num_c',
    number: '+864001112222',
    kind: '400',
    rules: [vip, beijing, mobile],
    entryPoint: 'ivr:main',
  });
  const now = at('2026-11-23T08:00:00Z');

  it('VIP callers go first (green channel)', () => {
    assert.equal(routeTo(did, { now, callerNumber: '+8613900000001' }).entryPoint, 'queue:vip');
  });
  it('area code and mobile prefixes', () => {
    assert.equal(routeTo(did, { now, callerNumber: '+861088889999' }).entryPoint, 'queue:bj');
    assert.equal(routeTo(did, { now, callerNumber: '+8613900000002' }).entryPoint, 'queue:mobile');
    assert.equal(routeTo(did, { now, callerNumber: '+862188889999' }).entryPoint, 'ivr:main');
  });
  it('an anonymous caller matches no caller condition', () => {
    const d = routeTo(did, { now });
    assert.equal(d.entryPoint, 'ivr:main');
    assert.equal(d.reason, 'default');
  });
  it('all conditions of a rule must hold (prefix AND business hours)', () => {
    const r = rule('queue:bj-day', {
      callerPrefixes: ['+8610'],
      timeWindows: [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
    });
    const n = num({ id: 'num_x', number: '+864003334444', kind: '400', rules: [r], entryPoint: 'ivr:main' });
    assert.equal(routeTo(n, { now, callerNumber: '+861012345678' }).entryPoint, 'queue:bj-day');
    assert.equal(
      routeTo(n, { now: at('2026-11-22T08:00:00Z'), callerNumber: '+861012345678' }).entryPoint,
      'ivr:main',
    );
    assert.equal(routeTo(n, { now, callerNumber: '+862112345678' }).entryPoint, 'ivr:main');
  });
  it('a disabled rule is skipped', () => {
    const off = { ...vip, enabled: false };
    const n = { ...did, rules: [off] };
    assert.equal(routeTo(n, { now, callerNumber: '+8613900000001' }).entryPoint, 'ivr:main');
  });
});

describe('route(): 400 numbers over access numbers (behaviour 8)', () => {
  const access = num({ id: 'num_acc', number: '+861088880000', kind: 'access', entryPoint: 'user:1001' });
  const a400 = num({
    id: 'num_a',
    number: '+864001234567',
    kind: '400',
    accessNumberIds: ['num_acc'],
    rules: [rule('ivr:sales', { callerPrefixes: ['+8621'] }, 'a-shanghai')],
    entryPoint: 'ivr:a',
  });
  const b400 = num({
    id: 'num_b4',
    number: '+864007654321',
    kind: '400',
    accessNumberIds: ['num_acc'],
    entryPoint: 'queue:b',
  });
  const c400 = num({
    id: 'num_c4',
    number: '+864009999999',
    kind: '400',
    accessNumberIds: [],
    entryPoint: 'queue:c',
  });
  const bare400 = num({ id: 'num_bare', number: '+864005555555', kind: '400', accessNumberIds: ['num_acc'] });
  const foreign = num({
    id: 'num_f',
    tenantId: 'ten_b',
    number: '+864006666666',
    kind: '400',
    accessNumberIds: ['num_acc'],
    entryPoint: 'queue:evil',
  });
  const plan = planOf([access, a400, b400, c400, bare400, foreign]);
  const now = at('2026-11-23T08:00:00Z');
  const viaAccess = (original?: string, caller?: string) =>
    route({
      calledNumber: access.number,
      originalCalledNumber: original,
      callerNumber: caller,
      now,
      timeZone: 'Asia/Shanghai',
      plan,
    });

  it('two 400 numbers on one access number each reach their own entry point', () => {
    const a = viaAccess(a400.number);
    assert.equal(a.entryPoint, 'ivr:a');
    assert.equal(a.servedNumber, a400.number);
    assert.equal(a.calledNumberId, 'num_acc');
    assert.equal(viaAccess(b400.number).entryPoint, 'queue:b');
    assert.equal(viaAccess(a400.number, '+862112345678').entryPoint, 'ivr:sales');
  });

  it('without the original number the access number routes by itself', () => {
    const d = viaAccess(undefined);
    assert.equal(d.entryPoint, 'user:1001');
    assert.equal(d.servedNumberId, 'num_acc');
  });

  it('a 400 number not bound to this access number is ignored (no cross-routing)', () => {
    const d = viaAccess(c400.number);
    assert.equal(d.entryPoint, 'user:1001');
    assert.ok(d.trace.some((t) => t.includes('not bound')));
  });

  it("another tenant's 400 number is never served over our access number", () => {
    const d = viaAccess(foreign.number);
    assert.equal(d.entryPoint, 'user:1001');
    assert.equal(d.tenantId, 'ten_a');
  });

  it('a bound 400 number without rules or default falls back to the access number', () => {
    const d = viaAccess(bare400.number);
    assert.equal(d.entryPoint, 'user:1001');
    assert.equal(d.reason, 'access-number-default');
  });

  it('a 400 number delivered directly (no access number) uses its own rules', () => {
    const d = route({ calledNumber: b400.number, now, timeZone: 'Asia/Shanghai', plan });
    assert.equal(d.entryPoint, 'queue:b');
  });

  it('a bound 400 number delivered directly without rules or default routes like its first access number', () => {
    const second = num({ id: 'num_acc2', number: '+861077770000', kind: 'access', entryPoint: 'user:1003' });
    const both = { ...bare400, accessNumberIds: ['num_acc', 'num_acc2'] };
    const p = planOf([access, second, both]);
    const d = route({ calledNumber: bare400.number, now, timeZone: 'Asia/Shanghai', plan: p });
    assert.equal(d.entryPoint, 'user:1001');
    assert.equal(d.reason, 'access-number-default');
    assert.equal(d.calledNumberId, 'num_bare');
    assert.equal(d.servedNumberId, 'num_bare');
    assert.ok(d.trace.some((t) => t.includes('first access number +861088880000')));
    // the binding order is the choice: the other order leads with the other access number
    const flipped = planOf([access, second, { ...both, accessNumberIds: ['num_acc2', 'num_acc'] }]);
    const f = route({ calledNumber: bare400.number, now, timeZone: 'Asia/Shanghai', plan: flipped });
    assert.equal(f.entryPoint, 'user:1003');
  });

  it("a directly delivered 400 number follows its access number's rules (time of day)", () => {
    const ruled = num({ ...access, entryPoint: 'user:1002', rules: [BUSINESS] });
    const p = planOf([ruled, bare400]);
    const open = route({ calledNumber: bare400.number, now, timeZone: 'Asia/Shanghai', plan: p });
    assert.equal(open.entryPoint, 'user:1001');
    assert.equal(open.reason, 'access-number-rule');
    assert.equal(open.ruleId, 'rul_business');
    const sunday = at('2026-11-22T03:00:00Z');
    const closed = route({ calledNumber: bare400.number, now: sunday, timeZone: 'Asia/Shanghai', plan: p });
    assert.equal(closed.entryPoint, 'user:1002');
  });

  it("a directly delivered 400 number's own rules and default still win over the access number", () => {
    const d = route({ calledNumber: a400.number, now, timeZone: 'Asia/Shanghai', plan });
    assert.equal(d.entryPoint, 'ivr:a');
    assert.equal(d.reason, 'default');
  });

  it('a directly delivered 400 number is not routed by a disabled, missing or foreign access number', () => {
    const off = planOf([{ ...access, enabled: false }, bare400]);
    const d = route({ calledNumber: bare400.number, now, timeZone: 'UTC', plan: off });
    assert.equal(d.reason, 'no-match');
    assert.equal(d.entryPoint, null);
    const missing = planOf([bare400]);
    assert.equal(
      route({ calledNumber: bare400.number, now, timeZone: 'UTC', plan: missing }).reason,
      'no-match',
    );
    const theirs = planOf([{ ...access, tenantId: 'ten_b' }, bare400]);
    assert.equal(
      route({ calledNumber: bare400.number, now, timeZone: 'UTC', plan: theirs }).reason,
      'no-match',
    );
  });

  it('an unbound 400 number without rules or default is no-match', () => {
    const lone = num({ id: 'num_lone', number: '+864003333333', kind: '400' });
    const d = route({ calledNumber: lone.number, now, timeZone: 'UTC', plan: planOf([lone]) });
    assert.equal(d.reason, 'no-match');
  });

  it('a 400 number bound to a DID (not kind access) is served over that DID too', () => {
    const did = num({ id: 'num_did2', number: '+861066660000', kind: 'did', entryPoint: 'user:1003' });
    const on = num({
      id: 'num_on',
      number: '+864004440000',
      kind: '400',
      accessNumberIds: ['num_did2'],
      entryPoint: 'queue:on',
    });
    const p = planOf([did, on]);
    const d = route({
      calledNumber: did.number,
      originalCalledNumber: on.number,
      now,
      timeZone: 'UTC',
      plan: p,
    });
    assert.equal(d.entryPoint, 'queue:on');
    assert.equal(d.servedNumberId, 'num_on');
  });

  it('unknown and disabled numbers are not routed', () => {
    assert.equal(
      route({ calledNumber: '+861000000001', now, timeZone: 'UTC', plan }).reason,
      'unknown-number',
    );
    const off = planOf([{ ...access, enabled: false }]);
    const d = route({ calledNumber: access.number, now, timeZone: 'UTC', plan: off });
    assert.equal(d.reason, 'disabled');
    assert.equal(d.entryPoint, null);
  });

  it('a disabled 400 number over its access number routes by the access number', () => {
    const p = planOf([access, { ...a400, enabled: false }]);
    const d = route({
      calledNumber: access.number,
      originalCalledNumber: a400.number,
      now,
      timeZone: 'UTC',
      plan: p,
    });
    assert.equal(d.entryPoint, 'user:1001');
  });
});

describe('route(): time zones', () => {
  it('rejects an unknown time zone with SWB_NUMBER_TIMEZONE', () => {
    const n = num({ id: 'num_t', number: '+861012345678', entryPoint: 'user:1' });
    assert.throws(
      () => routeTo(n, { now: 0, timeZone: 'Mars/Olympus' }),
      (e: { code?: string }) => e.code === 'SWB_NUMBER_TIMEZONE',
    );
  });
});
