/**
 * Real-peer audio: the PCMU stream baresip sent while playing a 1 s 1 kHz burst, with its real
 * arrival times, through the jitter buffer; the tone must come out whole and on time.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PCMU } from '../../../src/media/codecs/g711.js';
import type { DtmfDigitEvent } from '../../../src/media/dtmf/dtmf-types.js';
import { InbandDtmfDetector, ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { JB_FRAME, JitterBuffer } from '../../../src/media/jitter/jitter-buffer.js';
import { createRtpHeader, readRtpHeader, writeRtpHeader } from '../../../src/media/rtp/rtp-packet.js';

const FIX = new URL('../../fixtures/rtp/', import.meta.url).pathname;

function load(file = 'baresip-pcmu-tone-burst.rtpd'): Array<{ atMs: number; pkt: Uint8Array }> {
  const d = new Uint8Array(readFileSync(FIX + file));
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const out: Array<{ atMs: number; pkt: Uint8Array }> = [];
  for (let o = 0; o + 6 <= d.length; ) {
    const len = v.getUint16(o + 4);
    out.push({ atMs: v.getUint32(o) / 1000, pkt: d.slice(o + 6, o + 6 + len) });
    o += 6 + len;
  }
  return out;
}

describe('baresip PCMU capture', () => {
  const pkts = load();

  it('is a clean 20 ms PCMU stream that re-serializes byte for byte', () => {
    assert.equal(pkts.length, 151);
    const h = createRtpHeader();
    let prev: { seq: number; ts: number } | null = null;
    for (const { pkt } of pkts) {
      assert.equal(readRtpHeader(pkt, pkt.length, h), true);
      assert.equal(h.payloadType, 0);
      assert.equal(h.payloadLength, 160);
      if (prev) {
        assert.equal(h.sequence, (prev.seq + 1) & 0xffff);
        assert.equal(h.timestamp, (prev.ts + 160) >>> 0);
      }
      prev = { seq: h.sequence, ts: h.timestamp };
      const again = new Uint8Array(pkt.length);
      writeRtpHeader(again, h);
      again.set(pkt.subarray(12), 12);
      assert.deepEqual(again, pkt);
    }
  });

  it('through the jitter buffer at its real arrival times, the 1 kHz burst lasts 1000 ± 20 ms', () => {
    const jb = new JitterBuffer({ codec: PCMU });
    const det = new ToneDetector(1000);
    const h = createRtpHeader();
    const frame = new Int16Array(160);
    let i = 0;
    let frames = 0;
    for (let k = 0; k < 170; k++) {
      const now = k * 20;
      for (; i < pkts.length && pkts[i]!.atMs <= now; i++) {
        const p = pkts[i]!.pkt;
        readRtpHeader(p, p.length, h);
        jb.push(h.sequence, h.timestamp, h.ssrc, p, h.headerLength, h.payloadLength, pkts[i]!.atMs);
      }
      if (jb.pop(frame) === JB_FRAME) frames++;
      det.process(frame);
    }
    const segs = det.finish();
    assert.equal(segs.length, 1, JSON.stringify(segs));
    assert.ok(Math.abs(segs[0]!.durationMs - 1000) <= 20, JSON.stringify(segs));
    assert.ok(segs[0]!.startMs >= 500 && segs[0]!.startMs <= 600, JSON.stringify(segs));
    assert.equal(jb.stats.lost + jb.stats.late, 0);
    assert.ok(frames >= 149);
  });

  it('in-band DTMF (sox tones through baresip PCMU) → jitter buffer → detector: 1 5 9 # with durations', () => {
    const stream = load('baresip-pcmu-inband-dtmf.rtpd');
    assert.equal(stream.length, 154);
    const jb = new JitterBuffer({ codec: PCMU });
    const got: DtmfDigitEvent[] = [];
    const det = new InbandDtmfDetector({ onDigit: (e) => got.push(e) });
    const h = createRtpHeader();
    const frame = new Int16Array(160);
    let i = 0;
    for (let k = 0; k < 170; k++) {
      for (; i < stream.length && stream[i]!.atMs <= k * 20; i++) {
        const p = stream[i]!.pkt;
        readRtpHeader(p, p.length, h);
        jb.push(h.sequence, h.timestamp, h.ssrc, p, h.headerLength, h.payloadLength, stream[i]!.atMs);
      }
      jb.pop(frame);
      det.process(frame);
    }
    det.flush();
    assert.equal(got.map((e) => e.digit).join(''), '159#');
    assert.ok(
      got.every((e) => Math.abs(e.durationMs - 100) <= 26),
      JSON.stringify(got),
    );
  });
});
