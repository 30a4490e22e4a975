import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import {
  checkNonce,
  computeHa1,
  computeResponse,
  createNonce,
  parseChallenge,
  parseCredentials,
  serializeChallenge,
  serializeCredentials,
  verifyCredentials,
} from '../../../src/sip/digest/index.js';

// RFC 7616 section 3.9.1
const rfc7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001',
  qop: 'auth',
};

describe('digest response (RFC vectors)', () => {
  it('RFC 7616 3.9.1 SHA-256', () => {
    assert.equal(
      computeResponse({ ...rfc7616, algorithm: 'SHA-256' }),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('RFC 7616 3.9.1 MD5', () => {
    assert.equal(computeResponse({ ...rfc7616, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 2617 3.5 MD5 with qop=auth', () => {
    assert.equal(
      computeResponse({
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        cnonce: '0a4f113b',
        nc: '00000001',
        qop: 'auth',
      }),
      '6629fae49393a05397450978507c4ef1',
    );
  });

  it('HA1 may replace the password', () => {
    const ha1 = computeHa1('SHA-256', rfc7616.username, rfc7616.realm, rfc7616.password);
    assert.equal(
      computeResponse({ ...rfc7616, password: undefined, ha1, algorithm: 'SHA-256' }).slice(0, 8),
      '753927fa',
    );
  });

  it('rejects with SWB_SIP_DIGEST for an unknown algorithm', () => {
    assert.throws(
      () => computeResponse({ ...rfc7616, algorithm: 'SHA-1' }),
      (e) => isSwbError(e, 'SWB_SIP_DIGEST'),
    );
  });
});

describe('Authorization / WWW-Authenticate', () => {
  const header =
    'Digest username="1002", realm="pbx.example.com", nonce="abc", uri="sip:pbx.example.com;transport=tcp", ' +
    'response="1c3a8e0f7d2b9a4c5e6f708192a3b4c5", algorithm=MD5, cnonce="Vn3Xb9aLq", qop=auth, nc=00000001';

  it('parseCredentials() succeeds on a softphone header', () => {
    const c = parseCredentials(header)!;
    assert.deepEqual(c, {
      username: '1002',
      realm: 'pbx.example.com',
      nonce: 'abc',
      uri: 'sip:pbx.example.com;transport=tcp',
      response: '1c3a8e0f7d2b9a4c5e6f708192a3b4c5',
      algorithm: 'MD5',
      cnonce: 'Vn3Xb9aLq',
      qop: 'auth',
      nc: '00000001',
    });
    assert.deepEqual(parseCredentials(serializeCredentials(c)), c);
  });

  it('unknown schemes give undefined (RFC 4475 regaut01)', () => {
    assert.equal(parseCredentials('NoOneKnowsThisScheme opaque-data=here'), undefined);
  });

  it('rejects malformed credentials with SWB_SIP_DIGEST', () => {
    for (const bad of [
      'Digest username="a"',
      'Digest realm="x", realm="y"',
      'Digest username="unterminated',
      'Digest',
    ]) {
      assert.throws(
        () => parseCredentials(bad),
        (e) => isSwbError(e, 'SWB_SIP_DIGEST'),
        bad,
      );
    }
  });

  it('challenge round-trips with two algorithms offered as two headers (RFC 8760)', () => {
    const c = {
      realm: 'pbx.example.com',
      nonce: 'n1',
      algorithm: 'SHA-256',
      qop: ['auth'],
      opaque: 'o',
      stale: true,
    };
    const text = serializeChallenge(c);
    assert.equal(
      text,
      'Digest realm="pbx.example.com", nonce="n1", opaque="o", stale=TRUE, algorithm=SHA-256, qop="auth"',
    );
    assert.deepEqual(parseChallenge(text), c);
  });

  it('verifyCredentials() accepts the right password and refuses a wrong one', () => {
    const base = { username: 'agent7', realm: 'tenant-a.example', nonce: 'n', uri: 'sip:tenant-a.example' };
    for (const algorithm of ['MD5', 'SHA-256', 'SHA-256-sess']) {
      const response = computeResponse({
        ...base,
        algorithm,
        password: 's3cret',
        method: 'REGISTER',
        qop: 'auth',
        nc: '00000002',
        cnonce: 'c',
      });
      const creds = { ...base, algorithm, response, qop: 'auth', nc: '00000002', cnonce: 'c' };
      assert.equal(verifyCredentials(creds, { password: 's3cret' }, 'REGISTER'), true, algorithm);
      assert.equal(verifyCredentials(creds, { password: 'wrong' }, 'REGISTER'), false, algorithm);
      assert.equal(verifyCredentials(creds, { password: 's3cret' }, 'INVITE'), false, algorithm);
    }
  });
});

describe('stateless nonces', () => {
  const secret = 'test-secret';
  const t0 = Date.UTC(2026, 0, 1);

  it('valid while young, stale when old, invalid when forged or from another secret', () => {
    const n = createNonce(secret, t0);
    assert.equal(checkNonce(n, secret, t0 + 1000, 300_000), 'valid');
    assert.equal(checkNonce(n, secret, t0 + 300_001, 300_000), 'stale');
    assert.equal(checkNonce(n, 'other', t0, 300_000), 'invalid');
    const raw = Buffer.from(n, 'base64url');
    raw[3]! ^= 1; // change the timestamp
    assert.equal(checkNonce(raw.toString('base64url'), secret, t0, 300_000), 'invalid');
    assert.equal(checkNonce('short', secret, t0, 300_000), 'invalid');
  });

  it('two nonces for the same instant differ', () => {
    assert.notEqual(createNonce(secret, t0), createNonce(secret, t0));
  });
});
