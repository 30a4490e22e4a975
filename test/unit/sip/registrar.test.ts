import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { getHeader, getHeaders, type SipRequest } from '../../../src/sip/message.js';
import { Authenticator } from '../../../src/sip/registrar/authenticator.js';
import {
  computeHa1,
  type DigestAlgorithm,
  expectedResponse,
} from '../../../src/sip/registrar/digest-auth.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { Registrar } from '../../../src/sip/registrar/registrar.js';
import { SecurityGuard } from '../../../src/sip/security/guard.js';
import type { TxSource } from '../../../src/sip/transaction/types.js';

const SRC: TxSource = Object.freeze({
  transport: 'udp',
  remoteAddress: '127.0.0.1',
  remotePort: 5070,
  localAddress: '127.0.0.1',
  localPort: 5060,
});

function setup(opts: { algorithms?: DigestAlgorithm[] } = {}) {
  const clock = new FakeClock();
  const users = new InMemoryUserDirectory();
  users.add('a.example', '1001', 'secret1', 'tenant-a');
  users.add('b.example', '1001', 'secret2', 'tenant-b');
  const locations = new InMemoryLocationStore();
  const guard = new SecurityGuard({ clock, maxFailures: 3 });
  const auth = new Authenticator({ users, now: () => clock.now(), security: guard, ...opts });
  const registrar = new Registrar({ auth, locations, clock, logger: silentLogger });
  return { clock, users, locations, registrar, guard };
}

function register(
  user: string,
  domain: string,
  opts: { contact?: string; expires?: string; callId?: string; seq?: number; auth?: string } = {},
): SipRequest {
  const headers = [
    { name: 'Via', value: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKr1;rport' },
    { name: 'From', value: `<sip:${user}@${domain}>;tag=f1` },
    { name: 'To', value: `<sip:${user}@${domain}>` },
    { name: 'Call-ID', value: opts.callId ?? 'reg-1' },
    { name: 'CSeq', value: `${opts.seq ?? 1} REGISTER` },
    { name: 'Contact', value: opts.contact ?? '<sip:1001@127.0.0.1:5070>' },
  ];
  if (opts.expires !== undefined) headers.push({ name: 'Expires', value: opts.expires });
  if (opts.auth) headers.push({ name: 'Authorization', value: opts.auth });
  headers.push({ name: 'Content-Length', value: '0' });
  return {
    type: 'request',
    method: 'REGISTER',
    uri: `sip:${domain}`,
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
}

/** Client side of digest: answer the challenge (alg picked from the list) with a password. */
function answer(challenge: string, user: string, password: string, uri: string): string {
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const alg = /algorithm=([A-Z0-9-]+)/.exec(challenge)![1]! as DigestAlgorithm;
  const c = {
    username: user,
    realm,
    nonce,
    uri,
    response: '',
    algorithm: alg,
    qop: 'auth',
    nc: '00000001',
    cnonce: 'abc',
    opaque: undefined,
  };
  const response = expectedResponse(alg, computeHa1(alg, user, realm, password), 'REGISTER', c);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${alg}, qop=auth, nc=00000001, cnonce="abc"`;
}

async function registerWithAuth(
  t: ReturnType<typeof setup>,
  user: string,
  domain: string,
  password: string,
  opts: Parameters<typeof register>[2] = {},
  alg?: DigestAlgorithm,
) {
  const first = await t.registrar.handle(register(user, domain, opts), SRC);
  assert.equal(first.status, 401);
  const ch = getHeaders(first, 'WWW-Authenticate').find((v) => !alg || v.includes(`algorithm=${alg}`))!;
  return t.registrar.handle(
    register(user, domain, { ...opts, auth: answer(ch, user, password, `sip:${domain}`) }),
    SRC,
  );
}

describe('Registrar', () => {
  it('challenges with MD5 only by default (what every phone answers), qop=auth', async () => {
    const t = setup();
    const res = await t.registrar.handle(register('1001', 'a.example'), SRC);
    assert.equal(res.status, 401);
    const ch = getHeaders(res, 'WWW-Authenticate');
    assert.equal(ch.length, 1);
    assert.match(ch[0]!, /algorithm=MD5/);
    assert.match(ch[0]!, /realm="a\.example".*qop="auth"/);
  });

  it('challenges with SHA-256 first and MD5 second when configured so (RFC 8760), qop=auth', async () => {
    const t = setup({ algorithms: ['SHA-256', 'MD5'] });
    const res = await t.registrar.handle(register('1001', 'a.example'), SRC);
    assert.equal(res.status, 401);
    const ch = getHeaders(res, 'WWW-Authenticate');
    assert.equal(ch.length, 2);
    assert.match(ch[0]!, /algorithm=SHA-256/);
    assert.match(ch[1]!, /algorithm=MD5/);
    assert.match(ch[0]!, /realm="a\.example".*qop="auth"/);
  });

  for (const alg of ['MD5', 'SHA-256'] as const) {
    it(`registers with ${alg} digest and lists the binding with its expiry`, async () => {
      const t = setup({ algorithms: ['SHA-256', 'MD5'] });
      const res = await registerWithAuth(t, '1001', 'a.example', 'secret1', { expires: '600' }, alg);
      assert.equal(res.status, 200);
      assert.deepEqual(getHeaders(res, 'Contact'), ['<sip:1001@127.0.0.1:5070>;expires=600']);
      const b = await t.locations.lookup('tenant-a', 'sip:1001@a.example', t.clock.now());
      assert.equal(b.length, 1);
    });
  }

  it('gives the same 403 for a wrong password and an unknown user (no extension leak)', async () => {
    const t = setup();
    const wrong = await registerWithAuth(t, '1001', 'a.example', 'nope');
    const unknown = await registerWithAuth(t, '9999', 'a.example', 'nope');
    assert.equal(wrong.status, 403);
    assert.equal(unknown.status, 403);
    assert.equal(wrong.reason, unknown.reason);
    assert.deepEqual(
      wrong.headers.map((h) => h.name),
      unknown.headers.map((h) => h.name),
    );
  });

  it('answers an expired nonce with 401 stale=true', async () => {
    const t = setup();
    const first = await t.registrar.handle(register('1001', 'a.example'), SRC);
    const ch = getHeaders(first, 'WWW-Authenticate')[0]!;
    t.clock.advance(301_000);
    const res = await t.registrar.handle(
      register('1001', 'a.example', { auth: answer(ch, '1001', 'secret1', 'sip:a.example') }),
      SRC,
    );
    assert.equal(res.status, 401);
    assert.match(getHeader(res, 'WWW-Authenticate')!, /stale=true/i);
  });

  it('keeps several contacts per AOR, expires them, and honours the contact expires param', async () => {
    const t = setup();
    await registerWithAuth(t, '1001', 'a.example', 'secret1', {
      contact: '<sip:1001@127.0.0.1:5070>;expires=120',
    });
    const res = await registerWithAuth(t, '1001', 'a.example', 'secret1', {
      contact: '<sip:1001@127.0.0.1:5080>',
      expires: '3600',
      callId: 'reg-2',
    });
    assert.equal(getHeaders(res, 'Contact').length, 2);
    t.clock.advance(121_000);
    const left = await t.locations.lookup('tenant-a', 'sip:1001@a.example', t.clock.now());
    assert.deepEqual(
      left.map((b) => b.contact),
      ['sip:1001@127.0.0.1:5080'],
    );
  });

  it('answers 423 with Min-Expires for a too-brief interval', async () => {
    const t = setup();
    const res = await registerWithAuth(t, '1001', 'a.example', 'secret1', { expires: '10' });
    assert.equal(res.status, 423);
    assert.equal(getHeader(res, 'Min-Expires'), '60');
  });

  it('removes all bindings with Contact: * and Expires: 0; rejects * with a non-zero Expires', async () => {
    const t = setup();
    await registerWithAuth(t, '1001', 'a.example', 'secret1');
    const bad = await registerWithAuth(t, '1001', 'a.example', 'secret1', {
      contact: '*',
      expires: '60',
      seq: 2,
    });
    assert.equal(bad.status, 400);
    const ok = await registerWithAuth(t, '1001', 'a.example', 'secret1', {
      contact: '*',
      expires: '0',
      seq: 3,
    });
    assert.equal(ok.status, 200);
    assert.equal(await t.locations.count('tenant-a'), 0);
  });

  it('answers a REGISTER without Contact with the current bindings (query) and changes nothing', async () => {
    const t = setup();
    await registerWithAuth(t, '1001', 'a.example', 'secret1', { expires: '600' });
    const first = await t.registrar.handle(register('1001', 'a.example', { seq: 5 }), SRC);
    const ch = getHeaders(first, 'WWW-Authenticate')[0]!;
    const q = register('1001', 'a.example', { seq: 6, auth: answer(ch, '1001', 'secret1', 'sip:a.example') });
    q.headers = q.headers.filter((h) => h.name !== 'Contact');
    const res = await t.registrar.handle(q, SRC);
    assert.equal(res.status, 200);
    assert.deepEqual(getHeaders(res, 'Contact'), ['<sip:1001@127.0.0.1:5070>;expires=600']);
  });

  it('refuses to register an AOR other than the authenticated user (403)', async () => {
    const t = setup();
    const first = await t.registrar.handle(register('1001', 'a.example'), SRC);
    const ch = getHeaders(first, 'WWW-Authenticate')[0]!;
    const r = register('1001', 'a.example', { auth: answer(ch, '1001', 'secret1', 'sip:a.example') });
    r.headers = r.headers.map((h) => (h.name === 'To' ? { name: 'To', value: '<sip:1002@a.example>' } : h));
    const res = await t.registrar.handle(r, SRC);
    assert.equal(res.status, 403);
    assert.equal(await t.locations.count('tenant-a'), 0);
  });

  it('isolates tenants: the same user name in two domains lands in two tenants', async () => {
    const t = setup();
    assert.equal((await registerWithAuth(t, '1001', 'a.example', 'secret1')).status, 200);
    assert.equal(
      (await registerWithAuth(t, '1001', 'b.example', 'secret1')).status,
      403,
      "tenant A's password does not work in B",
    );
    assert.equal(
      (await registerWithAuth(t, '1001', 'b.example', 'secret2', { contact: '<sip:1001@127.0.0.1:6000>' }))
        .status,
      200,
    );
    const a = await t.locations.lookup('tenant-a', 'sip:1001@a.example', t.clock.now());
    const b = await t.locations.lookup('tenant-b', 'sip:1001@b.example', t.clock.now());
    assert.deepEqual([a[0]!.contact, b[0]!.contact], ['sip:1001@127.0.0.1:5070', 'sip:1001@127.0.0.1:6000']);
    assert.equal((await t.locations.lookup('tenant-b', 'sip:1001@a.example', t.clock.now())).length, 0);
  });

  it('bans a source after repeated failed authentications (svcrack) and lifts the ban later', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await registerWithAuth(t, '1001', 'a.example', `guess${i}`);
    assert.equal(t.guard.isBanned('127.0.0.1'), true);
    assert.equal(t.guard.allow(SRC, register('1001', 'a.example')), false);
    t.clock.advance(300_001);
    assert.equal(t.guard.allow(SRC, register('1001', 'a.example')), true);
  });
});

describe('SecurityGuard rate limit', () => {
  it('drops and bans a source that exceeds its burst, others unaffected', () => {
    const clock = new FakeClock();
    const g = new SecurityGuard({ clock, ratePerSecond: 10, burst: 20 });
    const req = register('1', 'a.example');
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (g.allow(SRC, req)) allowed++;
    assert.equal(allowed, 20);
    assert.equal(g.allow({ ...SRC, remoteAddress: '127.0.0.2' }, req), true);
  });
});

describe('SecurityGuard scanning and User-Agent policy', () => {
  it('bans a source that collects too many challenges without ever authenticating (svwar-style enumeration)', async () => {
    const clock = new FakeClock();
    const users = new InMemoryUserDirectory();
    const guard = new SecurityGuard({ clock, maxScanHits: 10 });
    const auth = new Authenticator({ users, now: () => clock.now(), security: guard });
    const registrar = new Registrar({
      auth,
      locations: new InMemoryLocationStore(),
      clock,
      logger: silentLogger,
    });
    for (let ext = 100; ext < 109; ext++) await registrar.handle(register(String(ext), 'a.example'), SRC);
    assert.equal(guard.isBanned('127.0.0.1'), false);
    await registrar.handle(register('109', 'a.example'), SRC);
    assert.equal(guard.isBanned('127.0.0.1'), true);
  });

  it('a phone that authenticates resets its scan count', async () => {
    const t = setup();
    const guard = new SecurityGuard({ clock: t.clock, maxScanHits: 3 });
    const auth = new Authenticator({ users: t.users, now: () => t.clock.now(), security: guard });
    const registrar = new Registrar({ auth, locations: t.locations, clock: t.clock, logger: silentLogger });
    for (let i = 0; i < 5; i++) {
      const first = await registrar.handle(register('1001', 'a.example', { seq: 2 * i + 1 }), SRC);
      const ch = getHeaders(first, 'WWW-Authenticate')[0]!;
      const ok = await registrar.handle(
        register('1001', 'a.example', {
          seq: 2 * i + 2,
          auth: answer(ch, '1001', 'secret1', 'sip:a.example'),
        }),
        SRC,
      );
      assert.equal(ok.status, 200);
    }
    assert.equal(guard.isBanned('127.0.0.1'), false);
  });

  it('drops requests whose User-Agent matches the scanner pattern when configured', () => {
    const clock = new FakeClock();
    const g = new SecurityGuard({ clock, blockUserAgents: /friendly-scanner|sipvicious/i });
    const req = register('1', 'a.example');
    assert.equal(g.allow(SRC, req), true);
    req.headers.push({ name: 'User-Agent', value: 'friendly-scanner' });
    assert.equal(g.allow(SRC, req), false);
  });
});
