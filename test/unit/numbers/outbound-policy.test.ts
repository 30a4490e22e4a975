import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { createEventBus, type DomainEvents } from '../../../src/kernel/domain-events.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import {
  type AccountOutboundSettings,
  maskNumber,
  type OutboundCall,
  OutboundPolicy,
  type TenantOutboundSettings,
} from '../../../src/numbers/outbound-policy.js';

const DEFAULTS = {
  accountMaxConcurrent: 2,
  accountMaxPerMinute: 10,
  tenantMaxConcurrent: 3,
  tenantMaxPerMinute: 5,
};

function setup(
  accounts: Record<string, Partial<AccountOutboundSettings>>,
  tenant: TenantOutboundSettings = {
    maxConcurrentOutbound: null,
    maxOutboundPerMinute: null,
  },
) {
  const clock = new FakeClock();
  const bus = createEventBus();
  const events: { name: keyof DomainEvents; e: unknown }[] = [];
  bus.on('security.call_blocked', (e) => events.push({ name: 'security.call_blocked', e }));
  bus.on('security.limit_exceeded', (e) => events.push({ name: 'security.limit_exceeded', e }));
  const blocked: string[] = [];
  const policy = new OutboundPolicy({
    store: {
      async account(_t, u) {
        const a = accounts[u];
        return a
          ? { classOfService: 'national', maxConcurrentOutbound: null, maxOutboundPerMinute: null, ...a }
          : undefined;
      },
      async tenant() {
        return tenant;
      },
    },
    defaults: DEFAULTS,
    clock,
    logger: silentLogger,
    bus,
    onBlocked: (r) => blocked.push(r),
  });
  return { clock, policy, events, blocked };
}

const call = (account: string | undefined, p: Partial<OutboundCall> = {}): OutboundCall => ({
  tenantId: 'ten_a',
  account,
  number: '+8613800138000',
  destination: 'national',
  source: { remoteAddress: '127.0.0.23', remotePort: 5099 },
  ...p,
});

describe('OutboundPolicy', () => {
  it('class of service: 403 with a stable code and a security.call_blocked event', async () => {
    const { policy, events, blocked } = setup({ '1001': { classOfService: 'internal' }, '1002': {} });
    const r = await policy.admit(call('1001'));
    assert.deepEqual(r, {
      ok: false,
      status: 403,
      code: 'SWB_CALL_CLASS_FORBIDDEN',
      reason: 'class-of-service',
    });
    const intl = await policy.admit(call('1002', { number: '+447700900123', destination: 'international' }));
    assert.equal(intl.ok, false);
    assert.equal((await policy.admit(call('1002'))).ok, true);
    assert.deepEqual(events[0], {
      name: 'security.call_blocked',
      e: {
        tenantId: 'ten_a',
        account: '1001',
        number: '+8613800138000',
        destination: 'national',
        reason: 'class-of-service',
        sourceIp: '127.0.0.23',
        at: new FakeClock().now(),
      },
    });
    assert.equal(events.length, 2);
    assert.deepEqual(blocked, ['class-of-service', 'class-of-service']);
  });

  it('no authenticated account (or a deleted one): 403 no-account', async () => {
    const { policy } = setup({});
    assert.deepEqual(await policy.admit(call(undefined)), {
      ok: false,
      status: 403,
      code: 'SWB_CALL_CLASS_FORBIDDEN',
      reason: 'no-account',
    });
    assert.equal((await policy.admit(call('9999'))).ok, false);
  });

  it('emergency passes every class and every limit', async () => {
    const { policy } = setup({ '1001': { classOfService: 'internal', maxConcurrentOutbound: 0 } });
    const r = await policy.admit(call('1001', { number: '110', destination: 'emergency' }));
    assert.equal(r.ok, true);
    assert.equal((await policy.admit(call(undefined, { number: '112', destination: 'emergency' }))).ok, true);
  });

  it('per-account concurrent limit trips at exactly the count, in parallel too; release frees a slot', async () => {
    const { policy, events } = setup({ '1001': {} });
    const results = await Promise.all([1, 2, 3, 4].map(() => policy.admit(call('1001'))));
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, false, false],
    );
    const refused = results[2]!;
    assert.ok(!refused.ok);
    assert.equal(refused.status, 503);
    assert.equal(refused.code, 'SWB_CALL_LIMIT');
    assert.equal(refused.reason, 'account-concurrent');
    assert.equal(policy.active('ten_a', '1001'), 2);
    const first = results[0]!;
    assert.ok(first.ok);
    first.release();
    first.release(); // idempotent
    assert.equal(policy.active('ten_a', '1001'), 1);
    assert.equal((await policy.admit(call('1001'))).ok, true);
    assert.equal(events.filter((x) => x.name === 'security.limit_exceeded').length, 2);
    assert.deepEqual((events[0]!.e as { reason: string; max: number }).max, 2);
  });

  it('per-account per-minute limit on the clock; an account setting overrides the default', async () => {
    const { policy, clock } = setup(
      { '1001': { maxOutboundPerMinute: 3, maxConcurrentOutbound: 100 } },
      {
        maxConcurrentOutbound: 100,
        maxOutboundPerMinute: 100,
      },
    );
    for (let i = 0; i < 3; i++) {
      const r = await policy.admit(call('1001'));
      assert.ok(r.ok);
      r.release();
      clock.advance(1000);
    }
    const r = await policy.admit(call('1001'));
    assert.equal(r.ok ? 'ok' : r.reason, 'account-rate');
    clock.advance(57_001);
    assert.equal((await policy.admit(call('1001'))).ok, true, 'the first call left the minute');
  });

  it('tenant limits across accounts (defaults: 3 concurrent, 5 per minute)', async () => {
    const { policy, events } = setup({ a: {}, b: {}, c: {}, d: {} });
    const held = [
      await policy.admit(call('a')),
      await policy.admit(call('b')),
      await policy.admit(call('c')),
    ];
    assert.ok(held.every((r) => r.ok));
    const r = await policy.admit(call('d'));
    assert.equal(r.ok ? 'ok' : r.reason, 'tenant-concurrent');
    for (const h of held) if (h.ok) h.release();
    assert.equal(policy.active('ten_a'), 0);
    assert.equal((await policy.admit(call('d'))).ok, true);
    const again = await policy.admit(call('a'));
    assert.ok(again.ok);
    const sixth = await policy.admit(call('b'));
    assert.equal(sixth.ok ? 'ok' : sixth.reason, 'tenant-rate');
    assert.equal(
      (events.at(-1)!.e as { reason: string; max: number; tenantId: string }).max,
      DEFAULTS.tenantMaxPerMinute,
    );
  });

  it('a refused call takes no slot and no rate count', async () => {
    const { policy } = setup({ '1001': { maxConcurrentOutbound: 1, maxOutboundPerMinute: 2 } });
    const a = await policy.admit(call('1001'));
    assert.ok(a.ok);
    for (let i = 0; i < 5; i++) assert.equal((await policy.admit(call('1001'))).ok, false);
    a.release();
    assert.equal((await policy.admit(call('1001'))).ok, true, 'second of two per minute');
  });

  it("the tenant's deny list refuses matching numbers for every class, never emergency", async () => {
    const { policy, events } = setup(
      { '1001': { classOfService: 'international' } },
      { maxConcurrentOutbound: null, maxOutboundPerMinute: null, denyPrefixes: ['+8616', '+882'] },
    );
    const r = await policy.admit(call('1001', { number: '+8616812345678' }));
    assert.deepEqual(r, {
      ok: false,
      status: 403,
      code: 'SWB_CALL_CLASS_FORBIDDEN',
      reason: 'denied-prefix',
    });
    assert.equal(
      (await policy.admit(call('1001', { number: '+88216000000', destination: 'international' }))).ok,
      false,
    );
    assert.equal((await policy.admit(call('1001'))).ok, true);
    assert.equal((await policy.admit(call('1001', { number: '110', destination: 'emergency' }))).ok, true);
    assert.equal((events[0]!.e as { reason: string }).reason, 'denied-prefix');
  });

  it('masks numbers for logs', () => {
    assert.equal(maskNumber('+8613800138000'), '+861******8000');
    assert.equal(maskNumber('+447700900123'), '+447*****0123');
    assert.equal(maskNumber('110'), '*10');
  });
});
