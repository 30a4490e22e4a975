import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PCMA, PCMU } from '../../../src/media/codecs/g711.js';
import { dbfsToAmplitude, dtmfFrequencies, ToneGenerator } from '../../../src/media/dsp/tone.js';
import type { DtmfDigitEvent } from '../../../src/media/dtmf/dtmf-types.js';
import { InbandDtmfDetector, ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { decodeWav } from '../../../src/media/wav/wav-reader.js';
import { buildSignal, forEachFrame, rng, type Segment } from './signal-util.js';

function detect(x: Int16Array): DtmfDigitEvent[] {
  const got: DtmfDigitEvent[] = [];
  const det = new InbandDtmfDetector({ onDigit: (e) => got.push(e) });
  forEachFrame(x, (f) => det.process(f));
  det.flush();
  return got;
}

const ALL = '0123456789*#ABCD';

describe('InbandDtmfDetector', () => {
  it('detects all 16 digits at -10 dBFS, 100 ms on / 100 ms off, with durations', () => {
    const segs: Segment[] = [{ silenceMs: 60 }];
    for (const d of ALL) segs.push({ digit: d, ms: 100, dbfs: -10 }, { silenceMs: 100 });
    const got = detect(buildSignal(segs));
    assert.equal(got.map((e) => e.digit).join(''), ALL);
    for (const e of got) {
      assert.equal(e.source, 'inband');
      assert.ok(Math.abs(e.durationMs - 100) <= 26, `${e.digit} ${e.durationMs} ms`);
    }
  });

  it('detects a 40–200 ms sequence with noise, level and twist variation and 40–120 ms gaps', () => {
    const r = rng(42);
    const segs: Segment[] = [{ silenceMs: 50 }];
    const expected: Array<[string, number]> = [];
    for (let k = 0; k < 48; k++) {
      const d = ALL[Math.floor(r() * 16)]!;
      const ms = 40 + Math.floor(r() * 17) * 10; // 40..200
      const dbfs = -6 - r() * 22; // -6 .. -28 dBFS per tone
      const twistDb = r() * 6 - 3; // ±3 dB
      segs.push({ digit: d, ms, dbfs, twistDb }, { silenceMs: 40 + Math.floor(r() * 9) * 10 });
      expected.push([d, ms]);
    }
    const got = detect(buildSignal(segs, -40, 7)); // white noise at -40 dBFS
    assert.equal(got.map((e) => e.digit).join(''), expected.map((e) => e[0]).join(''));
    got.forEach((e, i) => {
      assert.ok(
        Math.abs(e.durationMs - expected[i]![1]) <= 30,
        `#${i} ${e.digit}: ${e.durationMs} vs ${expected[i]![1]}`,
      );
    });
  });

  for (const codec of [PCMU, PCMA]) {
    it(`detects all 16 digits after a ${codec.name} encode/decode (what a G.711 peer delivers)`, () => {
      const segs: Segment[] = [{ silenceMs: 40 }];
      for (const d of ALL) segs.push({ digit: d, ms: 60, dbfs: -20 }, { silenceMs: 60 });
      const x = buildSignal(segs, -45, 5);
      const bytes = new Uint8Array(x.length);
      codec.encode(x, bytes);
      const y = new Int16Array(x.length);
      codec.decode(bytes, y);
      assert.equal(
        detect(y)
          .map((e) => e.digit)
          .join(''),
        ALL,
      );
    });
  }

  it('reports a held key once (debounced), bridging a 10 ms dropout (Q.24)', () => {
    const got = detect(
      buildSignal([
        { digit: '5', ms: 300, dbfs: -12 },
        { silenceMs: 10 },
        { digit: '5', ms: 300, dbfs: -12 },
        { silenceMs: 100 },
      ]),
    );
    assert.deepEqual(
      got.map((e) => e.digit),
      ['5'],
    );
    assert.ok(Math.abs(got[0]!.durationMs - 610) <= 30, String(got[0]!.durationMs));
  });

  it('reports repeated presses of one key as separate digits when the gap is ≥ 40 ms', () => {
    const got = detect(
      buildSignal([
        { digit: '7', ms: 80, dbfs: -12 },
        { silenceMs: 40 },
        { digit: '7', ms: 80, dbfs: -12 },
        { silenceMs: 40 },
        { digit: '7', ms: 80, dbfs: -12 },
        { silenceMs: 60 },
      ]),
    );
    assert.equal(got.map((e) => e.digit).join(''), '777');
  });

  it('frequency tolerance (Q.24): accepts all keys at ±1.5 %, rejects all at ±3.5 % and ±5 %', () => {
    for (const [dev, expectAll] of [
      [-0.05, false],
      [-0.035, false],
      [-0.015, true],
      [0.015, true],
      [0.035, false],
      [0.05, false],
    ] as const) {
      let detected = 0;
      for (const d of ALL) {
        const [r, c] = dtmfFrequencies(d)!;
        const x = new Int16Array(800 + 800 + 800);
        new ToneGenerator()
          .dual(r * (1 + dev), dbfsToAmplitude(-10), c * (1 + dev), dbfsToAmplitude(-10))
          .generate(x, 800, 800);
        const got = detect(x);
        if (got.length === 1 && got[0]!.digit === d) detected++;
        else assert.deepEqual(got, [], `${d} at ${dev}`);
      }
      assert.equal(detected, expectAll ? 16 : 0, `deviation ${dev}`);
    }
  });

  it('ignores bursts shorter than 20 ms', () => {
    assert.deepEqual(
      detect(
        buildSignal([
          { digit: '1', ms: 15, dbfs: -10 },
          { silenceMs: 100 },
          { digit: '9', ms: 12, dbfs: -10 },
          { silenceMs: 100 },
        ]),
      ),
      [],
    );
  });

  it('rejects single tones (each DTMF frequency alone, and 1 kHz)', () => {
    const segs: Segment[] = [];
    for (const f of [697, 770, 852, 941, 1209, 1336, 1477, 1633, 1000])
      segs.push({ freq: f, ms: 200, dbfs: -6 }, { silenceMs: 50 });
    assert.deepEqual(detect(buildSignal(segs)), []);
  });

  it('rejects excessive twist (column 10 dB above row) and too low a level (-55 dBFS)', () => {
    assert.deepEqual(
      detect(buildSignal([{ digit: '8', ms: 200, dbfs: -20, twistDb: 10 }, { silenceMs: 50 }])),
      [],
    );
    assert.deepEqual(detect(buildSignal([{ digit: '8', ms: 200, dbfs: -55 }, { silenceMs: 50 }])), []);
  });

  it('rejects a tone drowned in noise (SNR 0 dB) and pure noise', () => {
    assert.deepEqual(detect(buildSignal([{ digit: '2', ms: 200, dbfs: -20 }], -17, 3)), []);
    assert.deepEqual(detect(buildSignal([{ silenceMs: 3000 }], -10, 4)), []);
  });

  it('talk-off: no digit on a 300–3400 Hz sweep', () => {
    const n = 8000 * 6;
    const x = new Int16Array(n);
    const a = dbfsToAmplitude(-6);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const f = 300 + (3100 * i) / n;
      phase += (2 * Math.PI * f) / 8000;
      x[i] = Math.round(a * Math.sin(phase));
    }
    assert.deepEqual(detect(x), []);
  });

  it('talk-off: no digit on music-like chords (harmonic-rich notes, 10 s)', () => {
    const r = rng(9);
    const n = 8000 * 10;
    const x = new Int16Array(n);
    const amp = dbfsToAmplitude(-20);
    let notes: number[] = [];
    const phases = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      if (i % 1200 === 0) notes = [0, 1, 2].map(() => 220 * 2 ** (Math.floor(r() * 36) / 12)); // 150 ms chords
      let v = 0;
      for (let k = 0; k < 3; k++) {
        phases[k] = phases[k]! + (2 * Math.PI * notes[k]!) / 8000;
        for (let h = 1; h <= 6; h++) v += (amp / h) * Math.sin(h * phases[k]!);
      }
      x[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
    }
    assert.deepEqual(detect(x), []);
  });

  it('talk-off: no digit in 6 s of espeak-ng speech (µ-law WAV), at two levels', () => {
    const { channels } = decodeWav(
      new Uint8Array(readFileSync(new URL('../../fixtures/wav/espeak-speech-8k-ulaw.wav', import.meta.url))),
    );
    const speech = channels[0]!;
    assert.deepEqual(detect(speech), []);
    const loud = speech.map((v) => Math.max(-32768, Math.min(32767, v * 4)));
    assert.deepEqual(detect(loud), []);
  });

  it('onDigitStart fires once when a key is recognised, before onDigit', () => {
    const order: string[] = [];
    const det = new InbandDtmfDetector({
      onDigit: (e) => order.push(`end:${e.digit}`),
      onDigitStart: (d) => order.push(`start:${d}`),
    });
    forEachFrame(buildSignal([{ digit: '#', ms: 120, dbfs: -10 }, { silenceMs: 60 }]), (f) => det.process(f));
    assert.deepEqual(order, ['start:#', 'end:#']);
    assert.equal(det.digits, 1);
  });
});

describe('ToneDetector', () => {
  it('finds a 1 kHz tone and its duration within ±20 ms, ignoring 1.2 kHz', () => {
    const x = buildSignal(
      [
        { silenceMs: 333 },
        { freq: 1000, ms: 1237, dbfs: -12 },
        { silenceMs: 200 },
        { freq: 1200, ms: 500, dbfs: -12 },
        { silenceMs: 100 },
      ],
      -50,
    );
    const det = new ToneDetector(1000);
    forEachFrame(x, (f) => det.process(f));
    const segs = det.finish();
    assert.equal(segs.length, 1);
    assert.ok(Math.abs(segs[0]!.startMs - 333) <= 20, JSON.stringify(segs));
    assert.ok(Math.abs(segs[0]!.durationMs - 1237) <= 20, JSON.stringify(segs));
    assert.ok(det.powerRatio > 0.6 && det.powerRatio < 0.8, String(det.powerRatio)); // 1237 of ~1737 ms of tone
  });

  it('finds nothing in silence or noise, and reports ratio 0 for pure silence', () => {
    const det = new ToneDetector(1000);
    det.process(new Int16Array(8000));
    assert.deepEqual(det.finish(), []);
    assert.equal(det.powerRatio, 0);
    const noisy = new ToneDetector(1000);
    noisy.process(buildSignal([{ silenceMs: 2000 }], -20, 5));
    assert.deepEqual(noisy.finish(), []);
  });

  it('merges segments separated by less than mergeGapMs', () => {
    const x = buildSignal([
      { freq: 440, ms: 300, dbfs: -10 },
      { silenceMs: 30 },
      { freq: 440, ms: 300, dbfs: -10 },
    ]);
    const a = new ToneDetector(440);
    a.process(x);
    assert.equal(a.finish().length, 2);
    const b = new ToneDetector(440, { mergeGapMs: 50 });
    b.process(x);
    assert.equal(b.finish().length, 1);
    assert.ok(Math.abs(b.detectedMs - 630) <= 20);
  });
});
