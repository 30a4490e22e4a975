import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickOutboundTrunk, planOutbound } from '../../../src/numbers/outbound.js';
import { TrunkCallLimiter } from '../../../src/sip/trunk/call-limiter.js';
import type { TrunksTable } from '../../../src/storage/schema.js';

const trunk = (p: Partial<TrunksTable> & { id: string }): TrunksTable => ({
  tenant_id: 'A',
  name: p.id,
  direction: 'both',
  host: '198.51.100.7',
  port: 5060,
  transport: 'udp',
  inbound_auth: 'ip',
  allowed_sources: '[]',
  inbound_username: null,
  inbound_ha1_md5: null,
  inbound_ha1_sha256: null,
  register: 0,
  register_expires: 3600,
  outbound_username: null,
  outbound_password: null,
  from_domain: null,
  caller_id: '+861055500100',
  caller_id_presentation: 'allowed',
  max_concurrent: null,
  country_code: '86',
  enabled: 1,
  created_at: 0,
  updated_at: 0,
  ...p,
});

describe('planOutbound()', () => {
  it('dials E.164 with user=phone at the carrier and presents the caller ID', () => {
    const p = planOutbound(trunk({ id: 't', from_domain: 'carrier.example' }), '138 0013 8000')!;
    assert.equal(p.uri, 'sip:+8613800138000@198.51.100.7:5060;user=phone');
    assert.deepEqual(p.target, { transport: 'udp', host: '198.51.100.7', port: 5060 });
    assert.equal(p.from, '<sip:+861055500100@carrier.example>');
    // the tenant's number is asserted toward the carrier (RFC 3325), never the phone's own
    assert.deepEqual(p.headers, [
      { name: 'P-Asserted-Identity', value: '<sip:+861055500100@carrier.example>' },
    ]);
    assert.equal(p.number, '+8613800138000');
    assert.equal(p.destination, 'national');
  });
  it('international numbers are classified as such; emergency codes go out as dialled', () => {
    assert.equal(planOutbound(trunk({ id: 't' }), '00447700900123')?.destination, 'international');
    assert.equal(planOutbound(trunk({ id: 't' }), '+8613800138000')?.destination, 'national');
    const e = planOutbound(trunk({ id: 't' }), '110')!;
    assert.equal(e.destination, 'emergency');
    assert.equal(e.number, '110');
    assert.equal(e.uri, 'sip:110@198.51.100.7:5060');
    assert.equal(planOutbound(trunk({ id: 't', country_code: '44' }), '999')?.destination, 'emergency');
    // 911 is no emergency code in China: not a number at all there
    assert.equal(planOutbound(trunk({ id: 't' }), '911'), undefined);
  });
  it('no caller ID on the trunk: anonymous From and no P-Asserted-Identity', () => {
    const p = planOutbound(trunk({ id: 't', caller_id: null }), '13800138000')!;
    assert.equal(p.from, '<sip:anonymous@198.51.100.7>');
    assert.deepEqual(p.headers, []);
  });
  it('restricted presentation: anonymous From, P-Asserted-Identity and Privacy: id (RFC 3325)', () => {
    const p = planOutbound(
      trunk({ id: 't', caller_id_presentation: 'restricted', transport: 'tcp' }),
      '010-12345678',
    )!;
    assert.equal(p.from, '"Anonymous" <sip:anonymous@anonymous.invalid>');
    assert.deepEqual(p.headers, [
      { name: 'P-Asserted-Identity', value: '<sip:+861055500100@198.51.100.7>' },
      { name: 'Privacy', value: 'id' },
    ]);
    assert.match(p.uri, /;transport=tcp;user=phone$/);
  });
  it('numbers in the trunk country; extensions are not outside numbers', () => {
    assert.equal(
      planOutbound(trunk({ id: 't', country_code: '33' }), '01 23 45 67 89')?.number,
      '+33123456789',
    );
    assert.equal(planOutbound(trunk({ id: 't' }), '1003'), undefined);
  });
  it("picks the tenant's enabled outbound-capable trunk", () => {
    const ts = [
      trunk({ id: 'in', name: 'a-inbound', direction: 'inbound' }),
      trunk({ id: 'off', name: 'b-off', enabled: 0 }),
      trunk({ id: 'other', name: 'c-other', tenant_id: 'B' }),
      trunk({ id: 'ok', name: 'd-ok', direction: 'outbound' }),
    ];
    assert.equal(pickOutboundTrunk(ts, 'A')?.id, 'ok');
    assert.equal(pickOutboundTrunk(ts, 'C'), undefined);
  });
});

describe('TrunkCallLimiter', () => {
  it('admits up to the limit and frees a slot once per release', () => {
    const l = new TrunkCallLimiter();
    const r1 = l.acquire('t', 2)!;
    const r2 = l.acquire('t', 2)!;
    assert.equal(l.acquire('t', 2), undefined);
    r1();
    r1(); // idempotent
    assert.equal(l.active('t'), 1);
    assert.ok(l.acquire('t', 2));
    r2();
    assert.ok(l.acquire('u', null), 'no limit');
  });
});
