import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { NonceCountTable } from '../../../src/sip/digest/nonce-counts.js';
import { digestUriAcceptable, digestUriMatches } from '../../../src/sip/digest/uri-match.js';
import { getHeader, getHeaders, type SipRequest } from '../../../src/sip/message.js';
import { Authenticator } from '../../../src/sip/registrar/authenticator.js';
import {
  computeHa1,
  type DigestAlgorithm,
  expectedResponse,
} from '../../../src/sip/registrar/digest-auth.js';
import { InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import type { TxSource } from '../../../src/sip/transaction/types.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

describe('NonceCountTable (fake clock)', () => {
  const table = (max = 100, ttl = 60_000) => {
    const clock = new FakeClock(T0);
    return { clock, t: new NonceCountTable({ ttlMs: ttl, maxEntries: max, now: () => clock.now() }) };
  };

  it('accepts a strictly increasing nc and refuses a repeated or lower one', () => {
    const { t, clock } = table();
    clock.advance(10);
    assert.equal(t.use('n1', T0 + 5, 1), 'ok');
    assert.equal(t.use('n1', T0 + 5, 1), 'replay');
    assert.equal(t.use('n1', T0 + 5, 3), 'ok');
    assert.equal(t.use('n1', T0 + 5, 2), 'replay');
    assert.equal(t.use('n1', T0 + 5, 3), 'replay');
    assert.equal(t.use('n1', T0 + 5, 4), 'ok');
    assert.equal(t.use('n2', T0 + 5, 1), 'ok', 'another nonce has its own count');
  });

  it('lets a nonce without qop (RFC 2069, no nc) be used once', () => {
    const { t, clock } = table();
    clock.advance(10);
    assert.equal(t.use('n1', T0 + 1, undefined), 'ok');
    assert.equal(t.use('n1', T0 + 1, undefined), 'replay');
    assert.equal(t.use('n1', T0 + 1, 2), 'replay', 'nor switch to counting afterwards');
  });

  it('never accepts a nonce issued before the table existed (a restart forgets nothing)', () => {
    const { t } = table();
    assert.equal(t.use('old', T0 - 1, 1), 'replay');
    assert.equal(t.use('now', T0, 1), 'ok');
  });

  it('forgets nonces past their lifetime, and refuses them', () => {
    const { t, clock } = table(100, 60_000);
    clock.advance(1);
    assert.equal(t.use('n1', T0 + 1, 1), 'ok');
    clock.advance(60_001);
    // the sweep runs every 32nd use: after 40 fresh nonces n1 is gone
    for (let i = 0; i < 40; i++) assert.equal(t.use(`f${i}`, clock.now(), 1), 'ok');
    assert.equal(t.size, 40);
    assert.equal(t.use('n1', T0 + 1, 2), 'replay', 'expired: never re-learnt');
  });

  it('stays within maxEntries under a flood, and an evicted nonce cannot be replayed', () => {
    const { t, clock } = table(1000);
    for (let i = 0; i < 50_000; i++) {
      clock.advance(1);
      assert.equal(t.use(`n${i}`, clock.now(), 1), 'ok');
      assert.ok(t.size <= 1000);
    }
    assert.equal(t.evicted, 49_000);
    // n0 was evicted long ago: with nc 1 (its first) or any higher nc it is a replay now
    assert.equal(t.use('n0', T0 + 1, 1), 'replay');
    assert.equal(t.use('n0', T0 + 1, 99), 'replay');
    assert.equal(t.use('n48999', T0 + 49_000, 2), 'replay');
    // the newest ones are still tracked and keep counting
    assert.equal(t.use('n49999', T0 + 50_000, 2), 'ok');
    // a nonce issued after the floor is learnt as usual
    clock.advance(1);
    assert.equal(t.use('fresh', clock.now(), 1), 'ok');
  });
});

describe('digestUriMatches', () => {
  it('matches the same SIP URI however it is written', () => {
    assert.ok(digestUriMatches('sip:1002@demo.example', 'sip:1002@demo.example'));
    assert.ok(digestUriMatches('sip:1002@DEMO.example', 'sip:1002@demo.example'));
    assert.ok(digestUriMatches('sip:1002@demo.example:5060', 'sip:1002@demo.example'));
    assert.ok(digestUriMatches('sip:1002@demo.example;transport=udp', 'sip:1002@demo.example;user=phone'));
    assert.ok(digestUriMatches('sip:%31002@demo.example', 'sip:1002@demo.example'));
    assert.ok(digestUriMatches('sips:demo.example', 'sips:demo.example:5061'));
  });

  it('refuses another user, host, port or scheme, and junk', () => {
    assert.ok(!digestUriMatches('sip:1002@demo.example', 'sip:13800138000@demo.example'));
    assert.ok(!digestUriMatches('sip:1002@demo.example', 'sip:1002@other.example'));
    assert.ok(!digestUriMatches('sip:1002@demo.example:5070', 'sip:1002@demo.example'));
    assert.ok(!digestUriMatches('sips:1002@demo.example', 'sip:1002@demo.example'));
    assert.ok(!digestUriMatches('sip:demo.example', 'sip:1002@demo.example'));
    assert.ok(!digestUriMatches('*', 'sip:1002@demo.example'));
    assert.ok(!digestUriMatches('sip:1002@demo.example', 'tel:+861002'));
  });
});

describe('digestUriAcceptable', () => {
  it('lets a REGISTER name the registrar by any user-less URI (SIPp: sip:<server ip>:<port>)', () => {
    assert.ok(digestUriAcceptable('REGISTER', 'sip:127.0.0.1:5060', 'sip:demo.example'));
    assert.ok(!digestUriAcceptable('REGISTER', 'sip:1002@demo.example', 'sip:demo.example'));
  });
  it('never lets an INVITE do so: its Request-URI is whom it calls', () => {
    assert.ok(!digestUriAcceptable('INVITE', 'sip:127.0.0.1:5060', 'sip:1002@demo.example'));
    assert.ok(!digestUriAcceptable('INVITE', 'sip:demo.example', 'sip:1002@demo.example'));
    assert.ok(digestUriAcceptable('INVITE', 'sip:1002@demo.example', 'sip:1002@demo.example'));
  });
});

/** The authenticator end to end on requests: a captured header is good for one request only. */
describe('Authenticator replay protection', () => {
  const src = (ip: string, port = 5070, transport: TxSource['transport'] = 'udp'): TxSource => ({
    transport,
    remoteAddress: ip,
    remotePort: port,
    localAddress: '127.0.0.1',
    localPort: 5060,
  });
  const setup = (opts: { ttl?: number; algorithms?: DigestAlgorithm[] } = {}) => {
    const clock = new FakeClock(T0);
    const users = new InMemoryUserDirectory();
    users.add('a.example', '1001', 'pw1001', 'tenant-a');
    users.add('a.example', '2001', 'pw2001', 'tenant-a', '2001', { algorithms: ['SHA-256'] });
    const failures: string[] = [];
    const auth = new Authenticator({
      users,
      now: () => clock.now(),
      ...(opts.ttl ? { nonceTtlMs: opts.ttl } : {}),
      ...(opts.algorithms ? { algorithms: opts.algorithms } : {}),
      security: { authFailed: (s) => failures.push(s.remoteAddress) },
    });
    return { clock, auth, failures };
  };
  const invite = (to: string, from = '1001', auth?: string): SipRequest => ({
    type: 'request',
    method: 'INVITE',
    uri: `sip:${to}@a.example`,
    version: 'SIP/2.0',
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1' },
      { name: 'From', value: `<sip:${from}@a.example>;tag=1` },
      { name: 'To', value: `<sip:${to}@a.example>` },
      { name: 'Call-ID', value: 'c1' },
      { name: 'CSeq', value: '1 INVITE' },
      ...(auth ? [{ name: 'Authorization', value: auth }] : []),
    ],
    body: Buffer.alloc(0),
  });
  const answer = (challenge: string, uri: string, nc = '00000001', user = '1001', pw = 'pw1001') => {
    const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
    const alg = /algorithm=([A-Z0-9-]+)/.exec(challenge)![1]! as DigestAlgorithm;
    const c = {
      username: user,
      realm: 'a.example',
      nonce,
      uri,
      response: '',
      algorithm: alg,
      qop: 'auth',
      nc,
      cnonce: 'c0ffee',
      opaque: undefined,
    };
    const r = expectedResponse(alg, computeHa1(alg, user, 'a.example', pw), 'INVITE', c);
    return `Digest username="${user}", realm="a.example", nonce="${nonce}", uri="${uri}", response="${r}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="c0ffee"`;
  };
  const challenge = async (t: ReturnType<typeof setup>, to = '1002', from = '1001', s = src('127.0.0.1')) => {
    const r = await t.auth.authenticate(invite(to, from), s);
    assert.ok(!r.ok);
    assert.equal(r.response.status, 401);
    return getHeader(r.response, 'WWW-Authenticate')!;
  };

  it('accepts the honest answer once; the same header again is re-challenged (stale) as an nc replay', async () => {
    const t = setup();
    const ch = await challenge(t);
    const h = answer(ch, 'sip:1002@a.example');
    const ok = await t.auth.authenticate(invite('1002', '1001', h), src('127.0.0.1'));
    assert.ok(ok.ok);
    const again = await t.auth.authenticate(invite('1002', '1001', h), src('127.0.0.1'));
    assert.ok(!again.ok);
    assert.equal(again.reason, 'nc-replay');
    assert.equal(again.response.status, 401);
    assert.match(getHeader(again.response, 'WWW-Authenticate')!, /stale=TRUE/);
    // the honest client goes on with the next nc on the same nonce
    const next = answer(ch, 'sip:1002@a.example', '00000002');
    assert.ok((await t.auth.authenticate(invite('1002', '1001', next), src('127.0.0.1'))).ok);
  });

  it('refuses a header replayed to another Request-URI with 403 (counted as a failure)', async () => {
    const t = setup();
    const h = answer(await challenge(t), 'sip:1002@a.example');
    const r = await t.auth.authenticate(invite('13800138000', '1001', h), src('127.0.0.1'));
    assert.ok(!r.ok);
    assert.equal(r.reason, 'uri-mismatch');
    assert.equal(r.response.status, 403);
    assert.deepEqual(t.failures, ['127.0.0.1']);
  });

  it('refuses a header replayed from another address or transport: the nonce is not theirs (fresh 401)', async () => {
    const t = setup();
    const h = answer(await challenge(t), 'sip:1002@a.example');
    for (const s of [src('127.0.0.23'), src('127.0.0.24'), src('127.0.0.1', 5070, 'tcp')]) {
      const r = await t.auth.authenticate(invite('1002', '1001', h), s);
      assert.ok(!r.ok);
      assert.equal(r.reason, 'nonce-unknown');
      assert.equal(r.response.status, 401);
      assert.doesNotMatch(getHeader(r.response, 'WWW-Authenticate')!, /stale/);
    }
    // a NATed phone whose UDP port changed keeps its nonce
    assert.ok((await t.auth.authenticate(invite('1002', '1001', h), src('127.0.0.1', 40_123))).ok);
  });

  it('re-challenges an expired nonce with stale=true', async () => {
    const t = setup({ ttl: 30_000 });
    const h = answer(await challenge(t), 'sip:1002@a.example');
    t.clock.advance(30_001);
    const r = await t.auth.authenticate(invite('1002', '1001', h), src('127.0.0.1'));
    assert.ok(!r.ok);
    assert.equal(r.reason, 'nonce-stale');
    assert.match(getHeader(r.response, 'WWW-Authenticate')!, /stale=TRUE/);
  });

  it('does not let a forged request burn a nonce: nc is counted only after the response checks out', async () => {
    const t = setup();
    const ch = await challenge(t);
    const forged = answer(ch, 'sip:1002@a.example', 'ffffffff', '1001', 'wrong-password');
    const f = await t.auth.authenticate(invite('1002', '1001', forged), src('127.0.0.1'));
    assert.ok(!f.ok);
    assert.equal(f.response.status, 403);
    assert.ok(
      (await t.auth.authenticate(invite('1002', '1001', answer(ch, 'sip:1002@a.example')), src('127.0.0.1')))
        .ok,
    );
  });

  it('challenges with the account’s own algorithm and refuses a downgrade to MD5 with the same 403', async () => {
    const t = setup();
    const ch = await challenge(t, '1002', '2001');
    assert.match(ch, /algorithm=SHA-256/);
    const unknown = await challenge(t, '1002', '9999');
    assert.match(unknown, /algorithm=MD5/, 'an unknown user gets the default');
    const md5Challenge = ch.replace('algorithm=SHA-256', 'algorithm=MD5');
    const down = await t.auth.authenticate(
      invite('1002', '2001', answer(md5Challenge, 'sip:1002@a.example', '00000001', '2001', 'pw2001')),
      src('127.0.0.1'),
    );
    assert.ok(!down.ok);
    assert.equal(down.response.status, 403);
    const good = answer(ch, 'sip:1002@a.example', '00000002', '2001', 'pw2001');
    assert.ok((await t.auth.authenticate(invite('1002', '2001', good), src('127.0.0.1'))).ok);
  });

  it('offers one MD5 challenge by default, several when configured', async () => {
    const t = setup();
    const r = await t.auth.authenticate(invite('1002'), src('127.0.0.1'));
    assert.ok(!r.ok);
    assert.deepEqual(
      getHeaders(r.response, 'WWW-Authenticate').map((h) => /algorithm=([A-Z0-9-]+)/.exec(h)![1]),
      ['MD5'],
    );
    const t2 = setup({ algorithms: ['SHA-256', 'MD5'] });
    const r2 = await t2.auth.authenticate(invite('1002'), src('127.0.0.1'));
    assert.ok(!r2.ok);
    assert.equal(getHeaders(r2.response, 'WWW-Authenticate').length, 2);
  });
});
