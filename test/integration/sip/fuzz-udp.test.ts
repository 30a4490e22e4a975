/**
 * Throws 100,000 mutated datagrams at a live UDP listener on 127.0.0.1 (bounded in count and
 * time), then checks the listener still answers a valid OPTIONS and memory stayed bounded.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createResponse, type SipRequest } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { createTransportLayer } from '../../../src/sip/transport/index.js';
import { mutate, prng } from '../../unit/sip/fuzz-mutator.js';
import { next, options } from './transport-helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sip');
const corpus = ['roundtrip', 'torture'].flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => f.endsWith('.sip') || f.endsWith('.dat'))
    .map((f) => readFileSync(join(root, d, f))),
);

const N = 100_000;
const TIME_BUDGET_MS = 90_000;

it(`UDP listener survives ${N} mutated datagrams and still answers OPTIONS`, async () => {
  const layer = await createTransportLayer({
    udp: { host: '127.0.0.1', port: 0 },
    clock: systemClock,
    logger: silentLogger,
  });
  const port = layer.listening()[0]!.localPort;
  let seen = 0;
  layer.on('message', (m, src) => {
    seen++;
    if (m.type === 'request' && m.method !== 'ACK') {
      // answer the packet's source only: a mutated Via must never send traffic off loopback
      const res = createResponse(m as SipRequest, 200, { toTag: 'f' });
      void layer
        .send(res, { transport: 'udp', host: src.remoteAddress, port: src.remotePort })
        .catch(() => {});
    }
  });
  layer.on('malformed', () => seen++);
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  sock.on('message', () => {}); // drain replies
  const heapBefore = process.memoryUsage().heapUsed;
  const rnd = prng(0xf022);
  const started = Date.now();
  let sent = 0;
  try {
    while (sent < N && Date.now() - started < TIME_BUDGET_MS) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < 200 && sent < N; i++, sent++) {
        let d = mutate(corpus[sent % corpus.length]!, rnd);
        if (d.length > 65_000) d = d.subarray(0, 65_000);
        batch.push(new Promise((r) => sock.send(d, port, '127.0.0.1', () => r())));
      }
      await Promise.all(batch);
      // pace the sender to the listener (same event loop) so the kernel buffer does not overflow
      for (let spin = 0; spin < 2000 && sent - seen > 400; spin++) await new Promise((r) => setImmediate(r));
    }
    // let the listener drain what is queued
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sent, N, `sent only ${sent} in the time budget`);
    assert.ok(seen > N * 0.9, `listener processed ${seen} of ${N}`);

    // still alive and answering (a fresh source is not rate-limited)
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    try {
      const reply = next<Buffer>((fn) => {
        probe.on('message', fn);
        return () => probe.off('message', fn);
      });
      probe.send(
        options({ host: '127.0.0.1', port: 1, transport: 'UDP', branch: 'z9hG4bKalive', rport: true }),
        port,
        '127.0.0.1',
      );
      const res = parseMessage(await reply);
      assert.equal(res.type === 'response' && res.status, 200);
    } finally {
      probe.close();
    }
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 128 * 1024 * 1024, `heap grew by ${grown} bytes`);
  } finally {
    sock.close();
    await layer.close();
  }
});
