import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { codecByName, codecByPayloadType } from '../../../src/media/codecs/codec.js';
import {
  ALAW_DECODE,
  ALAW_ENCODE,
  ALAW_TO_ULAW,
  PCMA,
  PCMU,
  transcodeG711,
  ULAW_DECODE,
  ULAW_ENCODE,
  ULAW_TO_ALAW,
} from '../../../src/media/codecs/g711.js';

function enc(table: Uint8Array, s: number): number {
  return table[s & 0xffff]!;
}

function sine(n: number, freq: number, amp: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * i) / 8000));
  return out;
}

function snrDb(ref: Int16Array, got: Int16Array): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < ref.length; i++) {
    s += ref[i]! * ref[i]!;
    e += (ref[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(s / e);
}

describe('G.711 µ-law', () => {
  it('maps known code points (G.711 table 2a)', () => {
    assert.equal(enc(ULAW_ENCODE, 0), 0xff);
    assert.equal(ULAW_DECODE[0xff], 0);
    assert.equal(ULAW_DECODE[0x7f], 0); // negative zero
    assert.equal(ULAW_DECODE[0x80], 32124);
    assert.equal(ULAW_DECODE[0x00], -32124);
    assert.equal(enc(ULAW_ENCODE, 32767), 0x80);
    assert.equal(enc(ULAW_ENCODE, -32768), 0x00);
    assert.equal(ULAW_DECODE[0xfe], 8);
    assert.equal(ULAW_DECODE[0xef], 132); // first step of segment 1
    assert.equal(enc(ULAW_ENCODE, 1000), 0xce);
    assert.equal(ULAW_DECODE[0xce], 988);
  });

  it('decode(encode(code)) is the identity on all codes except negative zero', () => {
    for (let c = 0; c < 256; c++) {
      const back = enc(ULAW_ENCODE, ULAW_DECODE[c]!);
      assert.equal(back, c === 0x7f ? 0xff : c, `code ${c}`);
    }
  });

  it('keeps round-trip error within half a quantisation step of its segment', () => {
    for (let x = -32124; x <= 32124; x++) {
      const y = ULAW_DECODE[enc(ULAW_ENCODE, x)]!;
      // the segment is that of the larger of input and output (they straddle at boundaries)
      const mag = Math.max(Math.abs(x), Math.abs(y)) + 132;
      const seg = Math.max(0, Math.floor(Math.log2(mag)) - 7);
      // half a step, plus up to 3 from the arithmetic >> 2 flooring negative samples
      const halfStep = (1 << (seg + 2)) + 3;
      assert.ok(Math.abs(y - x) <= halfStep, `x=${x} y=${y}`);
    }
  });

  it('is monotonic: larger samples never decode smaller', () => {
    let prev = -Infinity;
    for (let x = -32768; x <= 32767; x += 7) {
      const y = ULAW_DECODE[enc(ULAW_ENCODE, x)]!;
      assert.ok(y >= prev);
      prev = y;
    }
  });
});

describe('G.711 A-law', () => {
  it('maps known code points (G.711 table 1a, even bits inverted)', () => {
    assert.equal(enc(ALAW_ENCODE, 0), 0xd5);
    assert.equal(ALAW_DECODE[0xd5], 8);
    assert.equal(ALAW_DECODE[0x55], -8);
    assert.equal(ALAW_DECODE[0xaa], 32256);
    assert.equal(ALAW_DECODE[0x2a], -32256);
    assert.equal(enc(ALAW_ENCODE, 32767), 0xaa);
    assert.equal(enc(ALAW_ENCODE, -32768), 0x2a);
    assert.equal(enc(ALAW_ENCODE, -1), 0x55);
    assert.equal(enc(ALAW_ENCODE, 1000), 0xfa);
    assert.equal(ALAW_DECODE[0xfa], 1008);
  });

  it('decode(encode(code)) is the identity on all 256 codes', () => {
    for (let c = 0; c < 256; c++) assert.equal(enc(ALAW_ENCODE, ALAW_DECODE[c]!), c, `code ${c}`);
  });

  it('keeps round-trip error within half a quantisation step', () => {
    for (let x = -32256; x <= 32256; x++) {
      const y = ALAW_DECODE[enc(ALAW_ENCODE, x)]!;
      const mag = Math.abs(x);
      const seg = mag < 512 ? 1 : Math.floor(Math.log2(mag)) - 7;
      const halfStep = 1 << (seg + 3);
      assert.ok(Math.abs(y - x) <= halfStep, `x=${x} y=${y}`);
    }
  });
});

describe('G.711 against sox (all 65,536 inputs, all 256 codes)', () => {
  const FIX = new URL('../../fixtures/g711/', import.meta.url).pathname;
  const read16 = (f: string) => {
    const b = readFileSync(FIX + f);
    return new Int16Array(b.buffer, b.byteOffset, b.length / 2);
  };
  const clamp = (v: number) => Math.max(-32768, Math.min(32767, v));

  it('decodes every µ-law and A-law code exactly as sox does', () => {
    assert.deepEqual(read16('codes-sox-ulaw.s16'), ULAW_DECODE);
    assert.deepEqual(read16('codes-sox-alaw.s16'), ALAW_DECODE);
  });

  it('encodes like sox up to sox rounding before companding (sox(x) = ours(x + 2) µ-law, ours(x + 4) A-law)', () => {
    const u = readFileSync(FIX + 'all16-sox.ulaw');
    const a = readFileSync(FIX + 'all16-sox.alaw');
    let exactU = 0;
    for (let i = 0; i < 65536; i++) {
      const x = i - 32768;
      assert.equal(u[i], enc(ULAW_ENCODE, clamp(x + 2)), `µ-law x=${x}`);
      assert.equal(a[i], enc(ALAW_ENCODE, clamp(x + 4)), `A-law x=${x}`);
      if (u[i] === enc(ULAW_ENCODE, x)) exactU++;
    }
    assert.equal(exactU, 65536 - 508); // identical except next to the 254 decision levels
  });
});

describe('G.711 codecs', () => {
  it('codecByName() returns PCMU/PCMA and throws SWB_MEDIA_CODEC_UNSUPPORTED otherwise', () => {
    assert.equal(codecByName('PCMU'), PCMU);
    assert.equal(codecByName('PCMA'), PCMA);
    assert.equal(PCMU.payloadType, 0);
    assert.equal(PCMA.payloadType, 8);
    assert.equal(PCMA.clockRate, 8000);
    assert.throws(
      () => codecByName('OPUS' as 'PCMU'),
      (e: unknown) => isSwbError(e, 'SWB_MEDIA_CODEC_UNSUPPORTED'),
    );
    assert.equal(codecByPayloadType(0), PCMU);
    assert.equal(codecByPayloadType(8), PCMA);
    assert.equal(codecByPayloadType(18), null);
  });

  for (const codec of [PCMU, PCMA]) {
    it(`${codec.name}: a -10 dBFS 1 kHz tone survives with SNR > 33 dB`, () => {
      const pcm = sine(160, 1000, 10362);
      const bytes = new Uint8Array(160);
      const back = new Int16Array(160);
      assert.equal(codec.encode(pcm, bytes), 160);
      assert.equal(codec.decode(bytes, back), 160);
      assert.ok(snrDb(pcm, back) > 33, `snr ${snrDb(pcm, back)}`);
    });

    it(`${codec.name}: decodeFrom/encodeTo work on offsets and clip to buffer bounds`, () => {
      const pcm = sine(160, 440, 8000);
      const pkt = new Uint8Array(12 + 160);
      assert.equal(codec.encodeTo(pcm, 160, pkt, 12), 160);
      const back = new Int16Array(160);
      assert.equal(codec.decodeFrom(pkt, 12, 160, back), 160);
      const ref = new Int16Array(160);
      codec.decode(pkt.subarray(12), ref);
      assert.deepEqual(back, ref);
      assert.equal(codec.decodeFrom(pkt, 100, 160, back), 72); // only 72 bytes left
      assert.equal(codec.decodeFrom(pkt, 200, 160, back), 0);
      assert.equal(codec.encodeTo(pcm, 160, pkt, 170), 2);
      assert.equal(codec.decode(new Uint8Array(400), new Int16Array(160)), 160);
    });
  }

  it('transcodes µ-law ↔ A-law with the error of one extra quantisation', () => {
    assert.equal(ULAW_TO_ALAW[0xff], 0xd5);
    assert.equal(ALAW_TO_ULAW[0xd5], 0xfe); // A-law has no zero: its smallest level is +8 = µ-law 0xfe
    const pcm = sine(800, 700, 12000);
    const u = new Uint8Array(800);
    const a = new Uint8Array(800);
    const u2 = new Uint8Array(800);
    PCMU.encode(pcm, u);
    assert.equal(transcodeG711(ULAW_TO_ALAW, u, 800, a), 800);
    const fromA = new Int16Array(800);
    PCMA.decode(a, fromA);
    assert.ok(snrDb(pcm, fromA) > 30, `snr ${snrDb(pcm, fromA)}`);
    for (let c = 0; c < 256; c++) {
      const viaA = ALAW_DECODE[ULAW_TO_ALAW[c]!]!;
      const direct = ULAW_DECODE[c]!;
      assert.ok(
        Math.abs(viaA - direct) <= Math.max(16, Math.abs(direct) / 16),
        `µ ${c}: ${direct} vs ${viaA}`,
      );
    }
    transcodeG711(ALAW_TO_ULAW, a, 800, u2);
    let diff = 0;
    for (let i = 0; i < 800; i++) if (u2[i] !== u[i]) diff++;
    assert.ok(diff < 400, `µ→A→µ changed ${diff} of 800 codes`);
  });
});
