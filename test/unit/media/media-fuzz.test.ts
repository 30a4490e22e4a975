/**
 * Property tests: the packet-path parsers and the jitter buffer never throw on arbitrary bytes and
 * arguments, and what they accept is self-consistent. Fixed seeds keep runs deterministic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSwbError } from '../../../src/kernel/errors.js';
import { PCMA, PCMU } from '../../../src/media/codecs/g711.js';
import type { TelephoneEvent } from '../../../src/media/dtmf/dtmf-types.js';
import { decodeTelephoneEvent, Rfc4733Receiver } from '../../../src/media/dtmf/rfc4733.js';
import { JB_CONCEALED, JB_FRAME, JB_SILENCE, JitterBuffer } from '../../../src/media/jitter/jitter-buffer.js';
import { parseRtcp, serializeRtcp } from '../../../src/media/rtp/rtcp.js';
import { createRtpHeader, readRtpHeader } from '../../../src/media/rtp/rtp-packet.js';
import { RtpReceiverStats } from '../../../src/media/rtp/rtp-stats.js';
import { readWavCues } from '../../../src/media/wav/wav-cues.js';
import { decodeWav } from '../../../src/media/wav/wav-reader.js';

const bytes = fc.uint8Array({ minLength: 0, maxLength: 300 });
const opts = { seed: 4242, numRuns: 3000 };

describe('packet-path robustness (fast-check)', () => {
  it('readRtpHeader never throws; accepted headers lie within the packet', () => {
    const h = createRtpHeader();
    fc.assert(
      fc.property(bytes, fc.integer({ min: -5, max: 400 }), (b, len) => {
        if (readRtpHeader(b, len, h)) {
          const n = Math.min(len, b.length);
          assert.equal(h.version, 2);
          assert.ok(h.headerLength >= 12 && h.headerLength + h.payloadLength <= n);
          assert.ok(h.payloadType < 72 || h.payloadType > 76);
        }
      }),
      opts,
    );
  });

  it('readRtpHeader accepts version-2 RTP-looking bytes more often than not (the generator reaches the accept path)', () => {
    const h = createRtpHeader();
    let ok = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 200 }), (b) => {
        b[0] = 0x80; // V=2, no P/X/CC
        b[1] = b[1]! & 0x3f; // PT < 64
        if (readRtpHeader(b, b.length, h)) ok++;
      }),
      { seed: 1, numRuns: 500 },
    );
    assert.equal(ok, 500);
  });

  it('parseRtcp never throws, and whatever it parses serializes and parses back the same', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const p = parseRtcp(b, b.length);
        if (p) assert.deepEqual(parseRtcp(serializeRtcp(p), serializeRtcp(p).length), p);
      }),
      opts,
    );
  });

  it('parseRtcp on mutated valid compounds never throws', () => {
    const valid = serializeRtcp([
      {
        type: 'rr',
        ssrc: 1,
        reports: [{ ssrc: 2, fractionLost: 3, cumulativeLost: 4, highestSeq: 5, jitter: 6, lsr: 7, dlsr: 8 }],
      },
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'cname@host' }] }] },
      { type: 'bye', ssrcs: [1], reason: 'done' },
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: valid.length }),
        (i, v, cut) => {
          const m = valid.slice();
          m[i] = v;
          parseRtcp(m, cut);
        },
      ),
      opts,
    );
  });

  it('telephone-event decode and the RFC 4733 receiver never throw', () => {
    const ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
    const rx = new Rfc4733Receiver({ onDigit: (e) => assert.match(e.digit, /^[0-9*#A-D]$/) });
    fc.assert(
      fc.property(
        bytes,
        fc.integer({ min: -10, max: 400 }),
        fc.integer({ min: -10, max: 400 }),
        fc.nat(),
        (b, off, len, ts) => {
          decodeTelephoneEvent(b, off, len, ev);
          rx.push(ts, b, off, len, ts);
          rx.poll(ts + 1000);
        },
      ),
      opts,
    );
  });

  it('the jitter buffer never throws and pop() always fills the frame with a valid status', () => {
    const out = new Int16Array(160);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            seq: fc.integer({ min: -10, max: 70000 }),
            ts: fc.integer({ min: -10, max: 2 ** 32 + 10 }),
            ssrc: fc.integer({ min: 0, max: 3 }),
            b: bytes,
            off: fc.integer({ min: -2, max: 300 }),
            len: fc.integer({ min: -2, max: 600 }),
            at: fc.integer({ min: 0, max: 100000 }),
            pops: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 60 },
        ),
        fc.boolean(),
        (ops, ulaw) => {
          const jb = new JitterBuffer({ codec: ulaw ? PCMU : PCMA });
          for (const o of ops) {
            jb.push(o.seq, o.ts, o.ssrc, o.b, o.off, o.len, o.at);
            for (let k = 0; k < o.pops; k++) {
              out.fill(12345);
              const st = jb.pop(out);
              assert.ok(st === JB_FRAME || st === JB_CONCEALED || st === JB_SILENCE);
              assert.ok(!out.includes(12345) || st === JB_FRAME);
            }
          }
          const s = jb.stats;
          assert.ok(Number.isFinite(s.targetDelayMs) && s.targetDelayMs >= 40 && s.targetDelayMs <= 200);
        },
      ),
      { seed: 77, numRuns: 400 },
    );
  });

  it('RtpReceiverStats never produces NaN or out-of-range report fields', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.nat(), fc.integer({ min: 0, max: 1e9 })), {
          maxLength: 100,
        }),
        (pkts) => {
          const s = new RtpReceiverStats();
          for (const [seq, ts, at] of pkts) s.update(seq, ts, at);
          const rb = s.makeReportBlock(1e9);
          assert.ok(rb.fractionLost >= 0 && rb.fractionLost <= 255);
          assert.ok(rb.cumulativeLost >= -0x800000 && rb.cumulativeLost <= 0x7fffff);
          assert.ok(Number.isInteger(rb.jitter) && rb.jitter >= 0);
        },
      ),
      { seed: 9, numRuns: 1000 },
    );
  });

  it('decodeWav throws only SWB_MEDIA_WAV_INVALID on garbage', () => {
    const riff = Uint8Array.from(Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'));
    fc.assert(
      fc.property(bytes, fc.boolean(), (b, prefix) => {
        const input = prefix ? Uint8Array.from([...riff, ...b]) : b;
        readWavCues(input); // never throws
        try {
          decodeWav(input);
        } catch (e) {
          assert.ok(isSwbError(e, 'SWB_MEDIA_WAV_INVALID'), String(e));
        }
      }),
      opts,
    );
  });
});
