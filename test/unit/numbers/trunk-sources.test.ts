import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIp, cidrContains, expandCidr, parseCidr } from '../../../src/numbers/cidr.js';
import {
  approvalCovers,
  parseTrunkSource,
  sourcesOverlap,
  TrustedSourceIndex,
} from '../../../src/numbers/trunk-sources.js';
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

describe('trunk sources (what an IP trunk trusts, exactly)', () => {
  it('parses address:port pairs (IPv4, [IPv6]) and ranges; rejects the rest', () => {
    assert.deepEqual(parseTrunkSource('127.0.0.1:5070'), {
      kind: 'exact',
      ip: '127.0.0.1',
      port: 5070,
      text: '127.0.0.1:5070',
    });
    assert.equal(parseTrunkSource('[2001:0DB8::1]:5060')?.text, '[2001:db8::1]:5060');
    assert.equal(parseTrunkSource('192.0.2.0/24')?.kind, 'range');
    assert.equal(parseTrunkSource('192.0.2.7')?.kind, 'range', 'an address without a port is any port');
    for (const bad of ['127.0.0.1:0', '127.0.0.1:70000', 'host.example:5060', '[::1]', '1.2.3.4:']) {
      assert.equal(parseTrunkSource(bad), undefined, bad);
    }
  });
  it('overlap: same address:port, or an address inside a range; coverage by approvals', () => {
    const p = (x: string) => parseTrunkSource(x)!;
    assert.ok(sourcesOverlap(p('127.0.0.1:5070'), p('127.0.0.1:5070')));
    assert.ok(!sourcesOverlap(p('127.0.0.1:5070'), p('127.0.0.1:5071')));
    assert.ok(sourcesOverlap(p('127.0.0.1:5070'), p('0.0.0.0/0')));
    assert.ok(sourcesOverlap(p('10.0.0.0/8'), p('10.1.0.0/16')));
    assert.ok(!sourcesOverlap(p('10.0.0.0/16'), p('10.1.0.0/16')));
    assert.ok(approvalCovers(parseCidr('10.0.0.0/8')!, p('10.1.0.0/16')));
    assert.ok(!approvalCovers(parseCidr('10.1.0.0/16')!, p('10.0.0.0/8')));
    assert.ok(approvalCovers(parseCidr('127.0.0.1')!, p('127.0.0.1:9')));
  });
  it('a trunk without allowedSources trusts its own host:port only', () => {
    const idx = new TrustedSourceIndex(
      [trunk({ id: 't1', tenant_id: 'A', host: '127.0.0.1', port: 5070 })],
      new Map(),
    );
    assert.deepEqual(idx.lookup('127.0.0.1', 5070)?.tenantIds, ['A']);
    assert.equal(idx.lookup('127.0.0.1', 5071), undefined);
    assert.deepEqual(idx.lookup('::ffff:127.0.0.1', 5070)?.tenantIds, ['A']);
  });
  it('a range trusts only while an approval of its tenant covers it (any port then)', () => {
    const t = trunk({ id: 't1', tenant_id: 'A', allowed_sources: JSON.stringify(['10.0.0.0/16']) });
    const ignored: string[] = [];
    const none = new TrustedSourceIndex([t], new Map(), (_t, s) => ignored.push(s));
    assert.equal(none.lookup('10.0.3.4', 5060), undefined);
    assert.deepEqual(ignored, ['10.0.0.0/16']);
    const other = new TrustedSourceIndex([t], new Map([['B', [parseCidr('10.0.0.0/8')!]]]));
    assert.equal(other.lookup('10.0.3.4', 5060), undefined, "another tenant's approval does not count");
    const ok = new TrustedSourceIndex([t], new Map([['A', [parseCidr('10.0.0.0/8')!]]]));
    assert.deepEqual(ok.lookup('10.0.3.4', 40000)?.tenantIds, ['A']);
    assert.equal(ok.lookup('10.1.0.1', 5060), undefined);
  });
  it('skips outbound-only, digest and disabled trunks and host names', () => {
    const idx = new TrustedSourceIndex(
      [
        trunk({ id: 'o', tenant_id: 'A', direction: 'outbound' }),
        trunk({ id: 'd', tenant_id: 'A', inbound_auth: 'digest' }),
        trunk({ id: 'x', tenant_id: 'A', enabled: 0 }),
        trunk({ id: 'h', tenant_id: 'A', host: 'sip.carrier.example' }),
      ],
      new Map(),
    );
    assert.equal(idx.size, 0);
  });
  it('a source two tenants share (operator-approved) names both tenants', () => {
    const idx = new TrustedSourceIndex(
      [
        trunk({ id: 'a', tenant_id: 'A', allowed_sources: JSON.stringify(['192.0.2.10:5060']) }),
        trunk({ id: 'b', tenant_id: 'B', allowed_sources: JSON.stringify(['192.0.2.0/28']) }),
      ],
      new Map([['B', [parseCidr('192.0.2.0/28')!]]]),
    );
    assert.deepEqual(idx.lookup('192.0.2.10', 5060)?.tenantIds, ['A', 'B']);
    assert.deepEqual(idx.lookup('192.0.2.10', 5061)?.tenantIds, ['B']);
  });
});
