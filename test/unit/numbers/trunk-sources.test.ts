import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIp, cidrContains, expandCidr, parseCidr } from '../../../src/numbers/cidr.js';
import { trunkSources } from '../../../src/numbers/sip-routing.js';
import type { TrunksTable } from '../../../src/storage/schema.js';

const trunk = (p: Partial<TrunksTable> & { id: string; tenant_id: string }): TrunksTable => ({
  name: p.id,
  direction: 'both',
  host: '203.0.113.1',
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
  caller_id: null,
  caller_id_presentation: 'allowed',
  max_concurrent: null,
  country_code: '86',
  enabled: 1,
  created_at: 0,
  updated_at: 0,
  ...p,
});

describe('CIDR helpers', () => {
  it('parses IPs and ranges, rejects the rest', () => {
    assert.deepEqual(parseCidr('10.1.2.3'), { version: 4, base: 0x0a010203n, prefix: 32 });
    assert.equal(parseCidr('10.1.2.3/24')?.base, 0x0a010200n);
    assert.equal(parseCidr('2001:db8::/32')?.prefix, 32);
    for (const bad of ['10.1.2.3/33', '10.1.2', 'host.example', '10.0.0.0/8/1', '::/129', '1.2.3.4/x', '']) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
  });
  it('tests containment by version and prefix', () => {
    const c = parseCidr('198.51.100.0/28')!;
    assert.ok(cidrContains(c, '198.51.100.15'));
    assert.ok(!cidrContains(c, '198.51.100.16'));
    assert.ok(!cidrContains(c, '::1'));
    assert.ok(cidrContains(parseCidr('2001:db8::/64')!, '2001:db8::abcd'));
    assert.ok(cidrContains(parseCidr('0.0.0.0/0')!, '8.8.8.8'));
  });
  it('expands small ranges only, in canonical form', () => {
    assert.deepEqual(expandCidr(parseCidr('10.0.0.4/31')!), ['10.0.0.4', '10.0.0.5']);
    assert.equal(expandCidr(parseCidr('10.0.0.0/24')!)?.length, 256);
    assert.equal(expandCidr(parseCidr('10.0.0.0/23')!), undefined);
    assert.deepEqual(expandCidr(parseCidr('2001:db8::/127')!), ['2001:db8::', '2001:db8::1']);
    assert.equal(canonicalIp('2001:0DB8:0:0::1'), '2001:db8::1');
    assert.equal(canonicalIp('10.0.0.1'), '10.0.0.1');
  });
});

describe('trunkSources() (what the SIP service trusts without digest)', () => {
  it('a trunk without allowedSources is trusted from its own host:port', () => {
    assert.deepEqual(trunkSources([trunk({ id: 't1', tenant_id: 'A', host: '127.0.0.1', port: 5070 })]), [
      { host: '127.0.0.1', port: 5070, tenantId: 'A' },
    ]);
  });
  it('listed sources match any port; small ranges are expanded', () => {
    const s = trunkSources([
      trunk({ id: 't1', tenant_id: 'A', allowed_sources: JSON.stringify(['192.0.2.10', '198.51.100.0/30']) }),
    ]);
    assert.deepEqual(
      s.map((x) => x.host),
      ['192.0.2.10', '198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3'],
    );
    assert.ok(s.every((x) => x.port === undefined && x.tenantId === 'A'));
  });
  it('skips outbound-only, digest, disabled trunks, host names and ranges too large to expand', () => {
    const s = trunkSources([
      trunk({ id: 'o', tenant_id: 'A', direction: 'outbound' }),
      trunk({ id: 'd', tenant_id: 'A', inbound_auth: 'digest' }),
      trunk({ id: 'x', tenant_id: 'A', enabled: 0 }),
      trunk({ id: 'h', tenant_id: 'A', host: 'sip.carrier.example' }),
      trunk({ id: 'big', tenant_id: 'A', allowed_sources: JSON.stringify(['10.0.0.0/16']) }),
    ]);
    assert.deepEqual(s, []);
  });
  it('an address shared by two tenants carries no tenant (the called number decides)', () => {
    const s = trunkSources([
      trunk({ id: 'a', tenant_id: 'A', allowed_sources: JSON.stringify(['192.0.2.10', '192.0.2.11']) }),
      trunk({ id: 'b', tenant_id: 'B', allowed_sources: JSON.stringify(['192.0.2.10']) }),
    ]);
    assert.deepEqual(s, [{ host: '192.0.2.10' }, { host: '192.0.2.11', tenantId: 'A' }]);
  });
});
