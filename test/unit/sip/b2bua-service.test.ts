import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/kernel/logger.js';
import { B2bua } from '../../../src/sip/b2bua/b2bua.js';
import type { InboundLeg } from '../../../src/sip/b2bua/inbound-leg.js';
import { getHeader, type SipMessage, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { computeHa1, expectedResponse } from '../../../src/sip/registrar/digest-auth.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { startSipService } from '../../../src/sip/service.js';
import { FakeNet, run, settle } from './net-helpers.js';

const SVC = { transport: 'udp' as const, host: '127.0.0.1', port: 5060 };

async function setup() {
  const net = new FakeNet();
  const users = new InMemoryUserDirectory();
  users.add('a.example', '1001', 'pw1', 'tenant-a');
  users.add('a.example', '1002', 'pw2', 'tenant-a');
  users.add('b.example', '2001', 'pw3', 'tenant-b');
  const locations = new InMemoryLocationStore();
  const transport = net.transport('127.0.0.1', 5060);
  const svc = await startSipService({
    config: {
      host: '127.0.0.1',
      trunks: [{ host: '127.0.0.9' }],
      routes: { '800': 'sip:ivr@127.0.0.1:5090' },
      // SHA-256 offered first: the UAC side must pick it (the service default is MD5 only)
      algorithms: ['SHA-256', 'MD5'],
    },
    clock: net.clock,
    logger: silentLogger,
    users,
    locations,
    transport,
  });
  // the callee phone for 1002, registered at 127.0.0.1:5072
  const phone = net.stack('127.0.0.1', 5072);
  const callee = new B2bua(phone.stack);
  const got: InboundLeg[] = [];
  callee.on('incoming', (leg) => {
    got.push(leg);
    void leg.answer();
  });
  const ivr = net.stack('127.0.0.1', 5090);
  const ivrUa = new B2bua(ivr.stack);
  const ivrGot: InboundLeg[] = [];
  ivrUa.on('incoming', (leg) => {
    ivrGot.push(leg);
    void leg.answer();
  });
  await locations.save('tenant-a', 'sip:1002@a.example', [
    {
      contact: 'sip:1002@127.0.0.1:5072',
      expiresAt: net.clock.now() + 3600_000,
      callId: 'r',
      cseq: 1,
      source: {
        transport: 'udp',
        remoteAddress: '127.0.0.1',
        remotePort: 5072,
        localAddress: '127.0.0.1',
        localPort: 5060,
      },
    },
  ]);
  const client = (host: string) => {
    const t = net.transport(host, 5071);
    const seen: SipMessage[] = [];
    t.on('message', (m) => seen.push(m));
    return { t, seen, send: (m: SipMessage) => t.send(m, SVC) };
  };
  const close = () => {
    svc.stack.close();
    phone.stack.close();
    ivr.stack.close();
  };
  return { net, svc, got, ivrGot, client, close };
}

function invite(
  fromUser: string,
  fromDomain: string,
  toUri: string,
  host: string,
  seq = 1,
  auth?: string,
): SipRequest {
  const headers = [
    { name: 'Via', value: `SIP/2.0/UDP ${host}:5071;branch=z9hG4bKinv${seq};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `<sip:${fromUser}@${fromDomain}>;tag=ft` },
    { name: 'To', value: `<${toUri}>` },
    { name: 'Call-ID', value: 'svc-call-1' },
    { name: 'CSeq', value: `${seq} INVITE` },
    { name: 'Contact', value: `<sip:${fromUser}@${host}:5071>` },
    ...(auth ? [{ name: 'Authorization', value: auth }] : []),
    { name: 'Content-Type', value: 'application/sdp' },
  ];
  const body = Buffer.from(
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n',
  );
  headers.push({ name: 'Content-Length', value: String(body.length) });
  return { type: 'request', method: 'INVITE', uri: toUri, version: 'SIP/2.0', headers, body };
}

function digest(challenge: SipResponse, user: string, pw: string, uri: string): string {
  const www = getHeader(challenge, 'WWW-Authenticate')!;
  const realm = /realm="([^"]+)"/.exec(www)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(www)![1]!;
  const alg = /algorithm=([A-Z0-9-]+)/.exec(www)![1]! as 'SHA-256';
  const c = {
    username: user,
    realm,
    nonce,
    uri,
    response: '',
    algorithm: alg,
    qop: 'auth',
    nc: '00000001',
    cnonce: 'c',
    opaque: undefined,
  };
  const r = expectedResponse(alg, computeHa1(alg, user, realm, pw), 'INVITE', c);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${r}", algorithm=${alg}, qop=auth, nc=00000001, cnonce="c"`;
}

/** Distinct final statuses in arrival order (the raw client never ACKs, so finals are retransmitted). */
const finals = (seen: SipMessage[]) => [
  ...new Set(
    seen.filter((m): m is SipResponse => m.type === 'response' && m.status >= 200).map((m) => m.status),
  ),
];

describe('startSipService: INVITE authorization and routing', () => {
  it('challenges an INVITE from a user, then routes the authenticated one to the registered contact', async () => {
    const t = await setup();
    const c = t.client('127.0.0.1');
    await c.send(invite('1001', 'a.example', 'sip:1002@a.example', '127.0.0.1'));
    await run(t.net, 300);
    assert.deepEqual(finals(c.seen), [401]);
    assert.equal(t.got.length, 0);
    const auth = digest(
      c.seen.find((m) => m.type === 'response' && m.status === 401) as SipResponse,
      '1001',
      'pw1',
      'sip:1002@a.example',
    );
    await c.send(invite('1001', 'a.example', 'sip:1002@a.example', '127.0.0.1', 2, auth));
    await run(t.net, 1000);
    assert.equal(t.got.length, 1);
    assert.deepEqual(finals(c.seen), [401, 200]);
    t.close();
  });

  it('lets an INVITE from a configured trunk address through without a challenge (static route)', async () => {
    const t = await setup();
    const c = t.client('127.0.0.9');
    await c.send(invite('carrier', 'trunk.example', 'sip:800@a.example', '127.0.0.9'));
    await run(t.net, 1000);
    assert.deepEqual(finals(c.seen), [200]);
    assert.equal(t.ivrGot.length, 1);
    t.close();
  });

  it('does not route a call from tenant B to a user of tenant A (404)', async () => {
    const t = await setup();
    const c = t.client('127.0.0.1');
    await c.send(invite('2001', 'b.example', 'sip:1002@a.example', '127.0.0.1'));
    await run(t.net, 300);
    const auth = digest(c.seen[c.seen.length - 1] as SipResponse, '2001', 'pw3', 'sip:1002@a.example');
    await c.send(invite('2001', 'b.example', 'sip:1002@a.example', '127.0.0.1', 2, auth));
    await run(t.net, 1000);
    await settle();
    assert.deepEqual(finals(c.seen), [401, 404]);
    assert.equal(t.got.length, 0);
    t.close();
  });

  it('an outbound leg with credentials answers the 401 (SHA-256 preferred) and gets through; without them it ends with 401', async () => {
    const t = await setup();
    const phone = t.net.stack('127.0.0.1', 5075);
    const ua = new B2bua(phone.stack);
    const opts = {
      uri: 'sip:1002@a.example',
      target: SVC,
      from: '<sip:1001@a.example>',
      to: '<sip:1002@a.example>',
    };
    const withCreds = ua.call({ ...opts, credentials: { username: '1001', password: 'pw1' } });
    const answered: string[] = [];
    withCreds.on('answered', () => answered.push('ok'));
    await run(t.net, 1000);
    assert.deepEqual(answered, ['ok']);
    const invites = phone.transport.sent
      .map((x) => x.msg)
      .filter((m): m is SipRequest => m.type === 'request' && m.method === 'INVITE');
    assert.equal(invites.length, 2);
    assert.match(getHeader(invites[1]!, 'Authorization')!, /algorithm=SHA-256/);
    assert.equal(getHeader(invites[1]!, 'CSeq'), '2 INVITE');
    const noCreds = ua.call(opts);
    const ends: number[] = [];
    noCreds.on('ended', (e) => ends.push(e.code));
    await run(t.net, 1000);
    assert.deepEqual(ends, [401]);
    phone.stack.close();
    t.close();
  });

  it('a routing loop through the service ends in 483 (Max-Forwards carried across the B2BUA)', async () => {
    const net = new FakeNet();
    const transport = net.transport('127.0.0.1', 5060);
    const svc = await startSipService({
      config: {
        host: '127.0.0.1',
        trunks: [{ host: '127.0.0.1' }],
        routes: { loop: 'sip:loop@127.0.0.1:5060' },
      },
      clock: net.clock,
      logger: silentLogger,
      users: new InMemoryUserDirectory(),
      locations: new InMemoryLocationStore(),
      transport,
    });
    const c = net.transport('127.0.0.1', 5071);
    const seen: SipMessage[] = [];
    c.on('message', (m) => seen.push(m));
    const req = invite('carrier', 'trunk.example', 'sip:loop@127.0.0.1', '127.0.0.1');
    req.headers = req.headers.map((h) => (h.name === 'Max-Forwards' ? { name: h.name, value: '5' } : h));
    await c.send(req, SVC);
    await run(net, 2000);
    assert.deepEqual(finals(seen), [483]);
    const invites = transport.sent.filter((x) => x.msg.type === 'request' && x.msg.method === 'INVITE');
    assert.equal(invites.length, 5, 'Max-Forwards 4, 3, 2, 1, 0');
    await run(net, 100_000, 5000);
    assert.equal(svc.stack.dialogCount, 0);
    svc.stack.close();
  });
});
