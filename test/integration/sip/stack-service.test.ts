import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { getHeader, getHeaders, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
import { computeHa1, expectedResponse } from '../../../src/sip/registrar/digest-auth.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { startSipService } from '../../../src/sip/service.js';

// biome-ignore lint/suspicious/noExplicitAny: the ws package ships no types here
const WebSocket = createRequire(import.meta.url)('ws') as any;

async function service() {
  const users = new InMemoryUserDirectory();
  users.add('sip.test', '1001', 'pw', 'tenant-x');
  const locations = new InMemoryLocationStore();
  const svc = await startSipService({
    config: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, algorithms: ['SHA-256', 'MD5'] },
    clock: systemClock,
    logger: silentLogger,
    users,
    locations,
  });
  const udp = svc.listening().find((l) => l.transport === 'udp')!.localPort;
  const tcp = svc.listening().find((l) => l.transport === 'tcp')!.localPort;
  return { svc, udp, tcp, locations };
}

function req(
  method: string,
  transport: 'UDP' | 'TCP',
  port: number,
  extra: [string, string][] = [],
  branch = `z9hG4bK${Math.random().toString(36).slice(2)}`,
): SipRequest {
  const headers = [
    { name: 'Via', value: `SIP/2.0/${transport} 127.0.0.1:${port};branch=${branch};rport` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: '<sip:1001@sip.test>;tag=abc' },
    { name: 'To', value: '<sip:1001@sip.test>' },
    { name: 'Call-ID', value: 'it-call-1' },
    { name: 'CSeq', value: `1 ${method}` },
    ...extra.map(([name, value]) => ({ name, value })),
    { name: 'Content-Length', value: '0' },
  ];
  return { type: 'request', method, uri: 'sip:sip.test', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** Send one request over UDP and wait for the first final response. */
async function udpExchange(port: number, build: (localPort: number) => SipRequest): Promise<SipResponse> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  try {
    const res = new Promise<SipResponse>((resolve) => {
      s.on('message', (buf) => {
        const m = parseMessage(buf);
        if (m.type === 'response' && m.status >= 200) resolve(m);
      });
    });
    s.send(serializeMessage(build(s.address().port)), port, '127.0.0.1');
    return await res;
  } finally {
    s.close();
  }
}

describe('SIP service on real sockets', () => {
  it('answers OPTIONS over UDP with 200 and an unknown method with 501', async () => {
    const { svc, udp } = await service();
    try {
      const ok = await udpExchange(udp, (p) => req('OPTIONS', 'UDP', p));
      assert.equal(ok.status, 200);
      const topVia = getHeaders(ok, 'Via')[0]!;
      assert.match(topVia, /received=127\.0\.0\.1/);
      assert.match(topVia, /rport=\d+/);
      const nope = await udpExchange(udp, (p) => req('FROB', 'UDP', p));
      assert.equal(nope.status, 501);
    } finally {
      await svc.close();
    }
  });

  it('registers over UDP with SHA-256 digest', async () => {
    const { svc, udp, locations } = await service();
    try {
      const ch = await udpExchange(udp, (p) =>
        req('REGISTER', 'UDP', p, [['Contact', `<sip:1001@127.0.0.1:${p}>`]]),
      );
      assert.equal(ch.status, 401);
      const www = getHeader(ch, 'WWW-Authenticate')!;
      const nonce = /nonce="([^"]+)"/.exec(www)![1]!;
      const c = {
        username: '1001',
        realm: 'sip.test',
        nonce,
        uri: 'sip:sip.test',
        response: '',
        algorithm: 'SHA-256' as const,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'x1',
        opaque: undefined,
      };
      const response = expectedResponse(
        'SHA-256',
        computeHa1('SHA-256', '1001', 'sip.test', 'pw'),
        'REGISTER',
        c,
      );
      const auth = `Digest username="1001", realm="sip.test", nonce="${nonce}", uri="sip:sip.test", response="${response}", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="x1"`;
      let contactPort = 0;
      const ok = await udpExchange(udp, (p) => {
        contactPort = p;
        const r = req('REGISTER', 'UDP', p, [
          ['Contact', `<sip:1001@127.0.0.1:${p}>`],
          ['Authorization', auth],
        ]);
        r.headers = r.headers.map((h) => (h.name === 'CSeq' ? { name: 'CSeq', value: '2 REGISTER' } : h));
        return r;
      });
      assert.equal(ok.status, 200);
      const b = await locations.lookup('tenant-x', 'sip:1001@sip.test', Date.now());
      assert.deepEqual(
        b.map((x) => x.contact),
        [`sip:1001@127.0.0.1:${contactPort}`],
      );
    } finally {
      await svc.close();
    }
  });

  it('answers OPTIONS over TCP on the same connection', async () => {
    const { svc, tcp } = await service();
    try {
      const sock = connect(tcp, '127.0.0.1');
      await new Promise<void>((r) => sock.once('connect', () => r()));
      const res = new Promise<SipResponse>((resolve) => {
        let buf = Buffer.alloc(0);
        sock.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          const end = buf.indexOf('\r\n\r\n');
          if (end >= 0) resolve(parseMessage(buf.subarray(0, end + 4)) as SipResponse);
        });
      });
      sock.write(serializeMessage(req('OPTIONS', 'TCP', sock.localPort!)));
      const r = await res;
      assert.equal(r.status, 200);
      sock.destroy();
    } finally {
      await svc.close();
    }
  });

  it('answers OPTIONS and challenges REGISTER over WebSocket (RFC 7118)', async () => {
    const users = new InMemoryUserDirectory();
    users.add('sip.test', '1001', 'pw', 'tenant-x');
    const svc = await startSipService({
      config: { host: '127.0.0.1', wsPort: 0 },
      clock: systemClock,
      logger: silentLogger,
      users,
      locations: new InMemoryLocationStore(),
    });
    const port = svc.listening().find((l) => l.transport === 'ws')!.localPort;
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, 'sip');
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const got: SipResponse[] = [];
      const next = () =>
        new Promise<SipResponse>((resolve) => {
          ws.once('message', (d: Buffer) => resolve(parseMessage(Buffer.from(d)) as SipResponse));
        });
      let p = next();
      ws.send(serializeMessage(req('OPTIONS', 'WS' as 'TCP', 50000)).toString());
      got.push(await p);
      p = next();
      ws.send(
        serializeMessage(
          req('REGISTER', 'WS' as 'TCP', 50000, [
            ['Contact', '<sip:1001@df7jal23ls0d.invalid;transport=ws>'],
          ]),
        ).toString(),
      );
      got.push(await p);
      assert.deepEqual(
        got.map((r) => r.status),
        [200, 401],
        got.map((r) => r.reason).join(),
      );
    } finally {
      ws.close();
      await svc.close();
    }
  });
});
