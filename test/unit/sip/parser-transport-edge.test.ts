/** Pure parts of the transport edge: stream framing, Via stamping, response targets, malformed policy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { FakeClock } from '../../../src/kernel/clock.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { getHeader } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { StreamFramer } from '../../../src/sip/transport/framer.js';
import { MalformedGuard, salvageResponse } from '../../../src/sip/transport/malformed.js';
import type { SipSource } from '../../../src/sip/transport/types.js';
import { responseTarget, stampVia } from '../../../src/sip/transport/via-stamp.js';

const msg = (via: string, extra = '') =>
  `OPTIONS sip:a@b.example SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b.example>\r\n` +
  `Call-ID: c1\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: 0\r\n\r\n`;
const src: SipSource = {
  transport: 'udp',
  remoteAddress: '198.51.100.9',
  remotePort: 40123,
  localAddress: '127.0.0.1',
  localPort: 5060,
};

describe('StreamFramer', () => {
  it('splits by Content-Length across chunk boundaries', () => {
    const f = new StreamFramer(4096);
    const a = msg('SIP/2.0/TCP h;branch=z9hG4bK1');
    const body = 'OPTIONS sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello';
    assert.deepEqual(f.push(Buffer.from(a.slice(0, 10))), []);
    const frames = f.push(Buffer.from(a.slice(10) + body + body.slice(0, 7)));
    assert.deepEqual(
      frames.map((x) => x.kind === 'message' && x.data.toString()),
      [a, body],
    );
    assert.equal(f.pending, 7);
  });

  it('reports CRLFCRLF pings and CRLF pongs between messages', () => {
    const f = new StreamFramer(4096);
    assert.deepEqual(f.push(Buffer.from('\r\n\r\n')), [{ kind: 'ping' }]);
    assert.deepEqual(f.push(Buffer.from('\r\n')), []);
    assert.deepEqual(
      f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\n')).map((x) => x.kind),
      ['pong', 'message'],
    );
  });

  it('rejects with SWB_SIP_PARSE without Content-Length and SWB_SIP_TOO_LARGE over the limit', () => {
    assert.throws(
      () => new StreamFramer(4096).push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n')),
      (e) => isSwbError(e, 'SWB_SIP_PARSE'),
    );
    assert.throws(
      () => new StreamFramer(100).push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 101\r\n\r\n')),
      (e) => isSwbError(e, 'SWB_SIP_TOO_LARGE'),
    );
    assert.throws(
      () => new StreamFramer(100).push(Buffer.alloc(101, 0x41)),
      (e) => isSwbError(e, 'SWB_SIP_TOO_LARGE'),
    );
  });
});

describe('Via stamping and response targets (RFC 3261 18.2, RFC 3581)', () => {
  it('fills rport and received when the client asks with rport', () => {
    const m = parseMessage(Buffer.from(msg('SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bK1')));
    const v = stampVia(m, src);
    assert.equal(
      getHeader(m, 'via'),
      'SIP/2.0/UDP 10.0.0.2:5060;rport=40123;branch=z9hG4bK1;received=198.51.100.9',
    );
    assert.deepEqual([v.rport, v.received], [40123, '198.51.100.9']);
    assert.deepEqual(responseTarget(m), { transport: 'udp', host: '198.51.100.9', port: 40123 });
  });

  it('adds received only when sent-by differs, and only on the top value', () => {
    const same = parseMessage(Buffer.from(msg('SIP/2.0/UDP 198.51.100.9;branch=z9hG4bK1')));
    stampVia(same, src);
    assert.equal(getHeader(same, 'via'), 'SIP/2.0/UDP 198.51.100.9;branch=z9hG4bK1');
    assert.deepEqual(responseTarget(same), { transport: 'udp', host: '198.51.100.9', port: 5060 });
    const two = parseMessage(
      Buffer.from(msg('SIP/2.0/UDP p1;branch=z9hG4bK1, SIP/2.0/UDP p2;branch=z9hG4bK2')),
    );
    stampVia(two, src);
    assert.equal(
      getHeader(two, 'via'),
      'SIP/2.0/UDP p1;branch=z9hG4bK1;received=198.51.100.9, SIP/2.0/UDP p2;branch=z9hG4bK2',
    );
    // without rport the response goes to received at the sent-by port
    assert.deepEqual(responseTarget(two), { transport: 'udp', host: '198.51.100.9', port: 5060 });
  });

  it('maddr wins for UDP; streams keep the connection', () => {
    const m = parseMessage(Buffer.from(msg('SIP/2.0/UDP h:5070;maddr=192.0.2.5;branch=z9hG4bK1')));
    assert.deepEqual(responseTarget(m), { transport: 'udp', host: '192.0.2.5', port: 5070 });
    const t = parseMessage(Buffer.from(msg('SIP/2.0/TLS h;branch=z9hG4bK1;rport')));
    stampVia(t, { ...src, transport: 'tls', connectionId: 'tls-7' });
    assert.deepEqual(responseTarget(t, { ...src, transport: 'tls', connectionId: 'tls-7' }), {
      transport: 'tls',
      host: '198.51.100.9',
      port: 40123,
      connectionId: 'tls-7',
    });
  });
});

describe('malformed policy', () => {
  it('answers a burst per source per window, then stays silent until the window passes', () => {
    const clock = new FakeClock();
    const g = new MalformedGuard(clock, silentLogger, 2, 10_000);
    assert.deepEqual(
      [g.hit('a', 'x'), g.hit('a', 'x'), g.hit('a', 'x'), g.hit('b', 'x')],
      [true, true, false, true],
    );
    clock.advance(10_000);
    assert.equal(g.hit('a', 'x'), true);
    assert.equal(g.size, 2);
  });

  it('logs a malformed source once per window, then one line with the suppressed count', () => {
    const clock = new FakeClock();
    const lines: { msg: string; suppressed?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const g = new MalformedGuard(clock, logger, 100, 10_000);
    for (let i = 0; i < 5; i++) g.hit('203.0.113.9', 'bad');
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['sip: malformed message'],
    );
    clock.advance(10_000);
    g.hit('203.0.113.9', 'bad');
    assert.deepEqual(
      lines.map((l) => [l.msg, l.suppressed]),
      [
        ['sip: malformed message', undefined],
        ['sip: malformed messages suppressed', 4],
        ['sip: malformed message', undefined],
      ],
    );
  });

  it('salvageResponse() builds 400 from readable headers, never for ACK, responses or missing headers', () => {
    const bad = Buffer.from(
      msg('SIP/2.0/UDP h;branch=z9hG4bK1').replace('Content-Length: 0', 'Content-Length: 9'),
    );
    const res = salvageResponse(bad, 400)!;
    assert.equal(res.status, 400);
    assert.equal(getHeader(res, 'call-id'), 'c1');
    assert.match(getHeader(res, 'to')!, /;tag=/);
    assert.equal(salvageResponse(Buffer.from(msg('x').replace('OPTIONS', 'ACK')), 400), undefined);
    assert.equal(salvageResponse(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), 400), undefined);
    assert.equal(salvageResponse(Buffer.from(msg('x').replace('Call-ID: c1\r\n', '')), 400), undefined);
  });
});
