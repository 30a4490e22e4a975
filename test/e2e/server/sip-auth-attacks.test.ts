import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer, type Server } from '../../../src/server.js';

/**
 * Issue 11 findings 1, 9, 10 attacked from outside the process: the full server as
 * `switchboard start` builds it (demo seed, default sip.digest), raw UDP phones and attackers on
 * 127.0.0.1 / 127.0.0.23 / 127.0.0.24, and a raw UDP carrier standing on the demo trunk. 1001's
 * `Authorization` header, captured from its own INVITE, is replayed from other addresses, to
 * other Request-URIs and with the same nc; a forged From and junk SDP are sent. None of it may
 * reach the carrier; an honest call to the same outside number at the end proves the carrier is
 * reachable, so the silence before it means something.
 */
const DOMAIN = 'demo.switchboard.local';
const PASSWORD = 'Demo@2026';

interface Msg {
  first: string;
  status: number;
  headers: Map<string, string[]>;
  body: string;
  raw: string;
}

function parse(raw: string): Msg {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const lines = head!.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    const k = l.slice(0, i).trim().toLowerCase();
    headers.set(k, [...(headers.get(k) ?? []), l.slice(i + 1).trim()]);
  }
  const m = /^SIP\/2\.0 (\d{3})/.exec(lines[0]!);
  return { first: lines[0]!, status: m ? Number(m[1]) : 0, headers, body: rest.join('\r\n\r\n'), raw };
}

const h1 = (m: Msg, k: string) => m.headers.get(k.toLowerCase())?.[0];

/** A UDP endpoint with a deadline on every wait. */
class Udp {
  readonly got: Msg[] = [];
  #waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  onRequest: ((m: Msg, rinfo: { address: string; port: number }) => void) | undefined;

  private constructor(
    readonly sock: Socket,
    readonly address: string,
    readonly port: number,
  ) {
    sock.on('message', (buf, rinfo) => {
      const m = parse(buf.toString('latin1'));
      this.got.push(m);
      if (m.status === 0) this.onRequest?.(m, rinfo);
      const w = this.#waiters.findIndex((x) => x.pred(m));
      if (w >= 0) this.#waiters.splice(w, 1)[0]!.resolve(m);
    });
  }

  static async bind(address: string, port = 0): Promise<Udp> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(port, address, r));
    return new Udp(s, address, s.address().port);
  }

  send(text: string, port: number, host = '127.0.0.1'): void {
    this.sock.send(Buffer.from(text, 'latin1'), port, host);
  }

  wait(pred: (m: Msg) => boolean, ms = 5000, what = 'message'): Promise<Msg> {
    const seen = this.got.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  close(): Promise<void> {
    return new Promise((r) => this.sock.close(() => r()));
  }
}

const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

interface Req {
  method: 'INVITE' | 'REGISTER';
  ruri: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  auth?: string;
  body?: string | Buffer;
  contentType?: string;
  contact?: string;
}

function request(ua: Udp, r: Req): { text: string; branch: string } {
  const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
  const body = r.body === undefined ? '' : Buffer.isBuffer(r.body) ? r.body.toString('latin1') : r.body;
  const lines = [
    `${r.method} ${r.ruri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${ua.address}:${ua.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <${r.from}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <${r.to}>`,
    `Call-ID: ${r.callId}`,
    `CSeq: ${r.cseq} ${r.method}`,
    `Contact: <${r.contact ?? `sip:x@${ua.address}:${ua.port}`}>`,
  ];
  if (r.auth) lines.push(`Authorization: ${r.auth}`);
  if (body) lines.push(`Content-Type: ${r.contentType ?? 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`, '', body);
  return { text: lines.join('\r\n'), branch };
}

/** Sends a request and resolves with its final response (ACKing a non-2xx INVITE answer). */
async function transact(ua: Udp, sipPort: number, r: Req): Promise<{ final: Msg; provisional: Msg[] }> {
  const { text, branch } = request(ua, r);
  ua.send(text, sipPort);
  const mine = (m: Msg) => m.status > 0 && (h1(m, 'via') ?? '').includes(branch);
  const final = await ua.wait((m) => mine(m) && m.status >= 200, 8000, `final response to ${r.method}`);
  if (r.method === 'INVITE' && final.status >= 300) {
    ua.send(
      [
        `ACK ${r.ruri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${ua.address}:${ua.port};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: ${h1(final, 'from')}`,
        `To: ${h1(final, 'to')}`,
        `Call-ID: ${r.callId}`,
        `CSeq: ${r.cseq} ACK`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      sipPort,
    );
  }
  return { final, provisional: ua.got.filter((m) => mine(m) && m.status < 200) };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** RFC 2617 qop=auth answer to a WWW-Authenticate challenge, computed here, independently. */
function digest(challenge: string, method: string, uri: string, user: string, nc = '00000001'): string {
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const cnonce = randomBytes(4).toString('hex');
  const ha1 = md5(`${user}:${realm}:${PASSWORD}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

describe('SIP digest replay, caller identity and bad SDP, attacked from outside (full server, demo seed)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  let carrier: Udp;
  let phone: Udp;
  let call = 0;
  const callId = () => `atk-${++call}-${randomBytes(4).toString('hex')}@test`;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-sipauth-'));
    const config = loadConfig({
      env: {},
      // the default configuration, but for ports and data folder (sip.digest as shipped)
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0 },
        media: { enabled: false },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
      },
    });
    server = await createServer(config, { logger: silentLogger });
    carrier = await Udp.bind('127.0.0.1');
    // the demo trunk stands on 127.0.0.1:5070; move it to this test's carrier port
    await server.db.kysely.updateTable('trunks').set({ port: carrier.port }).execute();
    carrier.onRequest = (m, rinfo) => {
      if (!m.first.startsWith('INVITE')) return;
      const copy = ['via', 'from', 'to', 'call-id', 'cseq'].flatMap((k) =>
        (m.headers.get(k) ?? []).map(
          (v) =>
            `${k === 'call-id' ? 'Call-ID' : k === 'cseq' ? 'CSeq' : k[0]!.toUpperCase() + k.slice(1)}: ${v}${k === 'to' ? ';tag=carrier1' : ''}`,
        ),
      );
      carrier.send(
        ['SIP/2.0 486 Busy Here', ...copy, 'Content-Length: 0', '', ''].join('\r\n'),
        rinfo.port,
        rinfo.address,
      );
    };
    await server.listen();
    sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
    phone = await Udp.bind('127.0.0.1');
  });

  after(async () => {
    await phone?.close();
    await carrier?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const invitesAtCarrier = () => carrier.got.filter((m) => m.first.startsWith('INVITE '));
  const u = (user: string) => `sip:${user}@${DOMAIN}`;

  let captured = '';

  it("1001's own INVITE: one MD5 challenge (default sip.digest), and its answer is accepted", async () => {
    const cid = callId();
    const first = await transact(phone, sipPort, {
      method: 'INVITE',
      ruri: u('1002'),
      from: u('1001'),
      to: u('1002'),
      callId: cid,
      cseq: 1,
      body: SDP,
    });
    assert.equal(first.final.status, 401);
    const ch = first.final.headers.get('www-authenticate') ?? [];
    captured = digest(ch.find((c) => /algorithm=MD5/.test(c)) ?? '', 'INVITE', u('1002'), '1001');
    const second = await transact(phone, sipPort, {
      method: 'INVITE',
      ruri: u('1002'),
      from: u('1001'),
      to: u('1002'),
      callId: cid,
      cseq: 2,
      body: SDP,
      auth: captured,
    });
    // 1002 is not registered: the call fails past authentication, not at it
    assert.ok(![401, 403, 407].includes(second.final.status), second.final.first);
    assert.equal(ch.length, 1, 'one challenge: phones that know only MD5 must not see SHA-256');
    assert.match(ch[0]!, /algorithm=MD5/);
  });

  for (const [ip, number] of [
    ['127.0.0.23', '13800138000'],
    ['127.0.0.24', '00447700900123'],
  ] as const) {
    it(`the captured header replayed from ${ip} to ${number} gets 403 and reaches no carrier`, async () => {
      const atk = await Udp.bind(ip);
      try {
        const r = await transact(atk, sipPort, {
          method: 'INVITE',
          ruri: u(number),
          from: u('1001'),
          to: u(number),
          callId: callId(),
          cseq: 1,
          body: SDP,
          auth: captured,
        });
        assert.equal(r.final.status, 403, r.final.first);
        assert.equal(r.provisional.length, 0, 'not even 100 Trying');
      } finally {
        await atk.close();
      }
      assert.equal(invitesAtCarrier().length, 0);
    });
  }

  it('the captured header replayed from another address to the same Request-URI gets a fresh 401 (nonce bound to the flow)', async () => {
    const atk = await Udp.bind('127.0.0.23');
    try {
      const r = await transact(atk, sipPort, {
        method: 'INVITE',
        ruri: u('1002'),
        from: u('1001'),
        to: u('1002'),
        callId: callId(),
        cseq: 1,
        body: SDP,
        auth: captured,
      });
      assert.equal(r.final.status, 401, r.final.first);
      assert.doesNotMatch(h1(r.final, 'www-authenticate')!, /stale/i);
    } finally {
      await atk.close();
    }
  });

  it("the captured header replayed from the phone's own address with the same nc gets 401 stale=true", async () => {
    const again = await Udp.bind('127.0.0.1'); // another port of the same host: what a NAT rebinding looks like
    try {
      const r = await transact(again, sipPort, {
        method: 'INVITE',
        ruri: u('1002'),
        from: u('1001'),
        to: u('1002'),
        callId: callId(),
        cseq: 1,
        body: SDP,
        auth: captured,
      });
      assert.equal(r.final.status, 401, r.final.first);
      assert.match(h1(r.final, 'www-authenticate')!, /stale=TRUE/);
    } finally {
      await again.close();
    }
    assert.equal(invitesAtCarrier().length, 0);
  });

  it("a REGISTER replayed from another address does not move 1001's binding (registration hijack)", async () => {
    const cid = callId();
    const reg = (ua: Udp, cseq: number, auth?: string) =>
      transact(ua, sipPort, {
        method: 'REGISTER',
        ruri: `sip:${DOMAIN}`,
        from: u('1001'),
        to: u('1001'),
        callId: cid,
        cseq,
        contact: `sip:1001@${ua.address}:${ua.port}`,
        ...(auth ? { auth } : {}),
      });
    const c = await reg(phone, 1);
    assert.equal(c.final.status, 401);
    const h = digest(h1(c.final, 'www-authenticate')!, 'REGISTER', `sip:${DOMAIN}`, '1001');
    assert.equal((await reg(phone, 2, h)).final.status, 200);
    const atk = await Udp.bind('127.0.0.24');
    try {
      assert.equal((await reg(atk, 3, h)).final.status, 401);
    } finally {
      await atk.close();
    }
    const rows = await server.db.kysely
      .selectFrom('sip_registrations')
      .select('contact')
      .where('aor', '=', u('1001'))
      .execute();
    assert.deepEqual(
      rows.map((r) => r.contact),
      [`sip:1001@127.0.0.1:${phone.port}`],
    );
  });

  it("1001's valid credentials with From 1003 get 403 (caller identity comes from the account)", async () => {
    const cid = callId();
    const first = await transact(phone, sipPort, {
      method: 'INVITE',
      ruri: u('13800138000'),
      from: u('1003'),
      to: u('13800138000'),
      callId: cid,
      cseq: 1,
      body: SDP,
    });
    assert.equal(first.final.status, 401);
    const auth = digest(h1(first.final, 'www-authenticate')!, 'INVITE', u('13800138000'), '1001');
    const r = await transact(phone, sipPort, {
      method: 'INVITE',
      ruri: u('13800138000'),
      from: u('1003'),
      to: u('13800138000'),
      callId: cid,
      cseq: 2,
      body: SDP,
      auth,
    });
    assert.equal(r.final.status, 403, r.final.first);
    assert.equal(invitesAtCarrier().length, 0);
  });

  for (const [what, body, type, status] of [
    [
      'SDP without an m= line',
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n',
      'application/sdp',
      488,
    ],
    ['binary junk', randomBytes(300), 'application/sdp', 488],
    ['a body of type text/plain', 'hello', 'text/plain', 415],
  ] as const) {
    it(`an INVITE with ${what} gets ${status} with a Warning, before any 100 Trying or outbound INVITE`, async () => {
      const r = await transact(phone, sipPort, {
        method: 'INVITE',
        ruri: u('13800138000'),
        from: u('1001'),
        to: u('13800138000'),
        callId: callId(),
        cseq: 1,
        body,
        contentType: type,
      });
      assert.equal(r.final.status, status, r.final.first);
      assert.match(h1(r.final, 'warning') ?? '', /^3\d\d switchboard "/);
      assert.equal(r.provisional.length, 0);
      assert.equal(invitesAtCarrier().length, 0);
    });
  }

  it('control: an honest, authenticated INVITE to 13800138000 does reach the carrier', async () => {
    const cid = callId();
    const first = await transact(phone, sipPort, {
      method: 'INVITE',
      ruri: u('13800138000'),
      from: u('1001'),
      to: u('13800138000'),
      callId: cid,
      cseq: 1,
      body: SDP,
    });
    assert.equal(first.final.status, 401);
    const auth = digest(h1(first.final, 'www-authenticate')!, 'INVITE', u('13800138000'), '1001');
    const r = await transact(phone, sipPort, {
      method: 'INVITE',
      ruri: u('13800138000'),
      from: u('1001'),
      to: u('13800138000'),
      callId: cid,
      cseq: 2,
      body: SDP,
      auth,
    });
    await carrier.wait((m) => m.first.startsWith('INVITE '), 5000, 'INVITE at the carrier');
    assert.equal(invitesAtCarrier().length, 1);
    assert.match(invitesAtCarrier()[0]!.first, /13800138000/);
    assert.equal(r.final.status, 486);
  });
});
