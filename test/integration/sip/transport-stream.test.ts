import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FakeClock, systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { parseVia } from '../../../src/sip/headers/via.js';
import { createResponse, getHeader, type SipMessage, type SipRequest } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { createTransportLayer } from '../../../src/sip/transport/index.js';
import type { SipSource, SipTransportKind, SipTransportLayer } from '../../../src/sip/transport/types.js';
import { next, options, selfSignedCert } from './transport-helpers.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the ws package ships no types here
const WebSocket = require('ws') as any;

const cert = selfSignedCert();
const msgOf = (l: SipTransportLayer) =>
  next<[SipMessage, SipSource]>((fn) => l.on('message', (m, s) => fn([m, s])));

describe('TCP/TLS transports between two layers', () => {
  for (const [kind, host] of [
    ['tcp', '127.0.0.1'],
    ['tcp', '::1'],
    ['tls', '127.0.0.1'],
    ['tls', '::1'],
  ] as const) {
    it(`${kind} on ${host}: request dials, response reuses the connection`, async () => {
      const mk = () =>
        createTransportLayer({
          [kind]: { host, port: 0, ...cert },
          clock: systemClock,
          logger: silentLogger,
          tlsClient: { ca: cert.cert },
        });
      const a = await mk();
      const b = await mk();
      try {
        const bPort = b.listening()[0]!.localPort;
        const aPort = a.listening()[0]!.localPort;
        const atB = msgOf(b);
        const req = parseMessage(
          Buffer.from(
            options({ host, port: aPort, transport: kind.toUpperCase(), branch: `z9hG4bK${kind}1` }),
          ),
        );
        await a.send(req, { transport: kind as SipTransportKind, host, port: bPort });
        const [m, src] = await atB;
        assert.equal(src.transport, kind);
        assert.ok(src.connectionId);
        // sent-by port is A's listening port, the connection's source port differs: received is stamped
        assert.equal(parseVia(getHeader(m, 'via')!).received ?? host, host);
        const atA = msgOf(a);
        await b.sendResponse(createResponse(m as SipRequest, 200, { toTag: 'x' }), src);
        const [res, resSrc] = await atA;
        assert.equal(res.type === 'response' && res.status, 200);
        assert.equal(resSrc.connectionId !== undefined, true);
        assert.equal(a.connectionCount(), 1);
        assert.equal(b.connectionCount(), 1);
        // a second request reuses the flow
        const again = msgOf(b);
        await a.send(req, { transport: kind as SipTransportKind, host, port: bPort });
        await again;
        assert.equal(a.connectionCount(), 1);
        // concurrent first sends to a new target share one connection
        const c = await mk();
        try {
          const cPort = c.listening()[0]!.localPort;
          const target = { transport: kind as SipTransportKind, host, port: cPort };
          await Promise.all([a.send(req, target), a.send(req, target), a.send(req, target)]);
          assert.equal(a.connectionCount(), 2);
          if (host === '127.0.0.1') {
            // dialled by name: later sends by the same name reuse the flow
            const byName = { transport: kind as SipTransportKind, host: 'localhost', port: cPort };
            await a.send(req, byName);
            await a.send(req, byName);
            assert.equal(a.connectionCount(), 3);
          }
        } finally {
          await c.close();
        }
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});

describe('TCP framing, keep-alive and limits', () => {
  let layer: SipTransportLayer;
  let port: number;
  before(async () => {
    layer = await createTransportLayer({
      tcp: { host: '127.0.0.1', port: 0 },
      clock: systemClock,
      logger: silentLogger,
      maxMessageSize: 4096,
    });
    port = layer.listening()[0]!.localPort;
  });
  after(() => layer.close());

  const dial = (): Promise<Socket> =>
    new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
    });
  const read = (s: Socket) =>
    next<Buffer>((fn) => {
      s.on('data', fn);
      return () => s.off('data', fn);
    });

  it('frames messages split across writes and two messages in one write', async () => {
    const s = await dial();
    try {
      const one = options({ host: '127.0.0.1', port: 1, transport: 'TCP', branch: 'z9hG4bKs1' });
      const two = options({ host: '127.0.0.1', port: 1, transport: 'TCP', branch: 'z9hG4bKs2' });
      const seen: string[] = [];
      const both = new Promise<void>((resolve) => {
        const off = layer.on('message', (m) => {
          seen.push(getHeader(m, 'call-id')!);
          if (seen.length === 3) {
            off();
            resolve();
          }
        });
      });
      s.write(one.slice(0, 50));
      s.write(one.slice(50) + two);
      s.write(two.replace('s2@', 's3@'));
      await both;
      assert.deepEqual(seen, ['z9hG4bKs1@test', 'z9hG4bKs2@test', 'z9hG4bKs2@test'.replace('s2@', 's3@')]);
    } finally {
      s.destroy();
    }
  });

  it('answers a CRLFCRLF ping with a CRLF pong (RFC 5626)', async () => {
    const s = await dial();
    try {
      const pong = read(s);
      s.write('\r\n\r\n');
      assert.equal((await pong).toString(), '\r\n');
    } finally {
      s.destroy();
    }
  });

  it('answers 513 and closes the connection when a message exceeds the limit', async () => {
    const s = await dial();
    try {
      const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
      const reply = read(s);
      s.write(
        options({ host: '127.0.0.1', port: 1, transport: 'TCP', branch: 'z9hG4bKbig' }).replace(
          'Content-Length: 0',
          'Content-Length: 100000',
        ),
      );
      const res = parseMessage(await reply);
      assert.equal(res.type === 'response' && res.status, 513);
      await closed;
    } finally {
      s.destroy();
    }
  });

  it('closes the connection on a message without Content-Length', async () => {
    const s = await dial();
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.write('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKx\r\n\r\n');
    await closed;
  });
});

describe('WebSocket transports (RFC 7118)', () => {
  for (const [kind, host] of [
    ['ws', '127.0.0.1'],
    ['wss', '127.0.0.1'],
    ['ws', '::1'],
  ] as const) {
    it(`${kind} on ${host}: one SIP message per frame, response on the same socket, 'sip' subprotocol required`, async () => {
      const layer = await createTransportLayer({
        [kind]: { host, port: 0, ...cert },
        clock: systemClock,
        logger: silentLogger,
      });
      const port = layer.listening()[0]!.localPort;
      const url = `${kind}://${host.includes(':') ? `[${host}]` : host}:${port}`;
      const ws = new WebSocket(url, 'sip', { ca: cert.cert });
      try {
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
        assert.equal(ws.protocol, 'sip');
        const got = msgOf(layer);
        ws.send(
          options({ host: 'df7jal23ls0d.invalid', port: 0, transport: 'WSS', branch: 'z9hG4bKws1' }).replace(
            ':0;',
            ';',
          ),
        );
        const [m, src] = await got;
        assert.equal(src.transport, kind);
        assert.equal(parseVia(getHeader(m, 'via')!).received, host);
        const reply = new Promise<string>((resolve) =>
          ws.once('message', (d: Buffer) => resolve(d.toString())),
        );
        await layer.sendResponse(createResponse(m as SipRequest, 200, { toTag: 'w' }), src);
        const res = parseMessage(Buffer.from(await reply));
        assert.equal(res.type === 'response' && res.status, 200);
        assert.equal(layer.connectionCount(), 1);

        // without the subprotocol the handshake is refused
        const bad = new WebSocket(url, { ca: cert.cert });
        const outcome = await new Promise<string>((resolve) => {
          bad.once('open', () => resolve('open'));
          bad.once('error', () => resolve('error'));
          bad.once('close', () => resolve('close'));
        });
        bad.terminate();
        assert.notEqual(outcome, 'open');
      } finally {
        ws.terminate();
        await layer.close();
      }
    });
  }
});

describe('connection housekeeping (fake clock)', () => {
  it('closes a stream connection idle for the timeout, keeps an active one', async () => {
    const clock = new FakeClock();
    const layer = await createTransportLayer({
      tcp: { host: '127.0.0.1', port: 0 },
      clock,
      logger: silentLogger,
      idleTimeoutMs: 60_000,
    });
    const port = layer.listening()[0]!.localPort;
    const s = await new Promise<Socket>((resolve) => {
      const c = connect(port, '127.0.0.1', () => resolve(c));
    });
    try {
      const got = msgOf(layer);
      s.write(options({ host: '127.0.0.1', port: 1, transport: 'TCP', branch: 'z9hG4bKidle' }));
      await got;
      assert.equal(layer.connectionCount(), 1);
      clock.advance(30_000);
      assert.equal(layer.connectionCount(), 1, 'not idle long enough');
      const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
      clock.advance(60_000);
      assert.equal(layer.connectionCount(), 0);
      await closed;
    } finally {
      s.destroy();
      await layer.close();
    }
  });

  it('refuses connections beyond maxConnections', async () => {
    const layer = await createTransportLayer({
      tcp: { host: '127.0.0.1', port: 0 },
      clock: systemClock,
      logger: silentLogger,
      maxConnections: 1,
    });
    const port = layer.listening()[0]!.localPort;
    const dial = () =>
      new Promise<Socket>((resolve) => {
        const c = connect(port, '127.0.0.1', () => resolve(c));
      });
    const first = await dial();
    try {
      const got = msgOf(layer);
      first.write(options({ host: '127.0.0.1', port: 1, transport: 'TCP', branch: 'z9hG4bKmax1' }));
      await got;
      const second = await dial();
      await new Promise<void>((resolve) => second.on('close', () => resolve()));
      assert.equal(layer.connectionCount(), 1);
    } finally {
      first.destroy();
      await layer.close();
    }
  });
});
