import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { parseVia } from '../../../src/sip/headers/via.js';
import { createResponse, getHeader, type SipMessage, type SipRequest } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { createTransportLayer } from '../../../src/sip/transport/index.js';
import type { MalformedInfo, SipSource, SipTransportLayer } from '../../../src/sip/transport/types.js';
import { next, options } from './transport-helpers.js';

function client(type: 'udp4' | 'udp6', host: string): Promise<Socket> {
  const s = createSocket(type);
  return new Promise((resolve) => s.bind(0, host, () => resolve(s)));
}

function recv(s: Socket): Promise<SipMessage> {
  return next<Buffer>((fn) => {
    s.on('message', fn);
    return () => s.off('message', fn);
  }).then((b) => parseMessage(b));
}

for (const [family, host] of [
  ['udp4', '127.0.0.1'],
  ['udp6', '::1'],
] as const) {
  describe(`UDP transport on ${host}`, () => {
    let layer: SipTransportLayer;
    let port: number;
    let peer: Socket;
    const send = (text: string) => peer.send(Buffer.from(text, 'latin1'), port, host);
    const messages = () => next<[SipMessage, SipSource]>((fn) => layer.on('message', (m, s) => fn([m, s])));
    const malformed = () => next<MalformedInfo>((fn) => layer.on('malformed', fn));

    before(async () => {
      layer = await createTransportLayer({
        udp: { host, port: 0 },
        clock: systemClock,
        logger: silentLogger,
        malformedBurst: 3,
        malformedWindowMs: 60_000,
      });
      port = layer.listening()[0]!.localPort;
      peer = await client(family, host);
    });
    after(async () => {
      peer.close();
      await layer.close();
    });

    it("emits 'message' with received/rport stamped and answers symmetrically", async () => {
      const got = messages();
      // sent-by names a host and port that are not the real source (as behind NAT)
      send(options({ host: '192.0.2.77', port: 5099, transport: 'UDP', branch: 'z9hG4bKudp1', rport: true }));
      const [m, src] = await got;
      assert.equal(src.transport, 'udp');
      assert.equal(src.remoteAddress, host);
      const via = parseVia(getHeader(m, 'via')!);
      assert.equal(via.received, host);
      assert.equal(via.rport, peer.address().port);
      const reply = recv(peer);
      await layer.sendResponse(createResponse(m as SipRequest, 200, { toTag: 't1' }), src);
      const res = await reply;
      assert.equal(res.type === 'response' && res.status, 200);
      assert.match(getHeader(res, 'via')!, /;rport=\d+;received=/);
    });

    it('answers an unparseable request with 400 built from its headers', async () => {
      const reply = recv(peer);
      const bad = options({ host, port: 1, transport: 'UDP', branch: 'z9hG4bKbad1' }).replace(
        'Content-Length: 0',
        'Content-Length: 99',
      );
      const info = malformed();
      send(bad);
      const res = await reply;
      assert.equal(res.type === 'response' && res.status, 400);
      assert.equal(getHeader(res, 'call-id'), 'z9hG4bKbad1@test');
      assert.match(getHeader(res, 'to')!, /;tag=/);
      assert.equal((await info).status, 400);
    });

    it('answers a valid but unacceptable request with the RFC status (505)', async () => {
      const reply = recv(peer);
      send(
        options({ host, port: 1, transport: 'UDP', branch: 'z9hG4bKv7' }).replace(
          ' SIP/2.0\r\n',
          ' SIP/7.0\r\n',
        ),
      );
      const res = await reply;
      assert.equal(res.type === 'response' && res.status, 505);
    });

    it('never answers an invalid ACK (RFC 3261 17.2.1), it only reports it', async () => {
      const info = malformed();
      send(
        options({ host, port: 1, transport: 'UDP', branch: 'z9hG4bKack' })
          .replace('OPTIONS sip:', 'ACK sip:')
          .replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'),
      );
      const got = await info;
      assert.equal(got.status, undefined);
      assert.match(got.reason, /CSeq method/);
    });

    it('drops garbage it cannot answer, and goes silent after the per-source burst', async () => {
      // garbage: no headers to build a response from
      const info = malformed();
      send('\x00\x01garbage\r\n\r\n');
      assert.equal((await info).status, undefined);
      // the burst of 3 was used up by the 400, the 505 and the ACK above
      const silent = malformed();
      send(options({ host, port: 1, transport: 'UDP', branch: 'z9hG4bKbad2' }).replace('CSeq: 1', 'CSeq: x'));
      assert.equal((await silent).status, undefined);
    });

    it('ignores CRLF keep-alive datagrams and still answers afterwards', async () => {
      send('\r\n\r\n');
      const got = messages();
      send(options({ host, port: 1, transport: 'UDP', branch: 'z9hG4bKudp2' }));
      const [m] = await got;
      assert.equal(m.type === 'request' && m.method, 'OPTIONS');
    });

    it('send() delivers a request to a UDP target', async () => {
      const p = peer.address().port;
      const reply = recv(peer);
      const req = parseMessage(
        Buffer.from(options({ host, port: 9, transport: 'UDP', branch: 'z9hG4bKout' })),
      );
      await layer.send(req, { transport: 'udp', host, port: p });
      const got = await reply;
      assert.equal(got.type === 'request' && got.method, 'OPTIONS');
    });
  });
}
