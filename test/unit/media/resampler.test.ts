import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Resampler, resampleBuffer } from '../../../src/media/wav/resampler.js';

function sine(n: number, f: number, rate: number, amp = 10000): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(amp * Math.sin((2 * Math.PI * f * i) / rate));
  return x;
}

/** Amplitude of frequency f in x (least-squares fit of sin/cos over the settled middle part). */
function amplitudeAt(x: Int16Array, f: number, rate: number): number {
  let s = 0;
  let c = 0;
  const a = 200;
  const b = x.length - 200;
  for (let i = a; i < b; i++) {
    s += x[i]! * Math.sin((2 * Math.PI * f * i) / rate);
    c += x[i]! * Math.cos((2 * Math.PI * f * i) / rate);
  }
  return (2 * Math.hypot(s, c)) / (b - a);
}

const db = (r: number) => 20 * Math.log10(r);

describe('Resampler 16 → 8 kHz', () => {
  it('passes 1 kHz within ±0.2 dB', () => {
    const y = resampleBuffer(sine(16000, 1000, 16000), 16000, 8000);
    assert.equal(y.length, 8000);
    assert.ok(Math.abs(db(amplitudeAt(y, 1000, 8000) / 10000)) < 0.2);
  });

  it('passes 3.4 kHz within ±1 dB', () => {
    const y = resampleBuffer(sine(16000, 3400, 16000), 16000, 8000);
    assert.ok(Math.abs(db(amplitudeAt(y, 3400, 8000) / 10000)) < 1);
  });

  it('attenuates a 4.1 kHz input (which would alias to 3.9 kHz) by ≥ 40 dB', () => {
    const y = resampleBuffer(sine(16000, 4100, 16000), 16000, 8000);
    const alias = amplitudeAt(y, 3900, 8000);
    assert.ok(db(alias / 10000) < -40, `${db(alias / 10000)} dB`);
  });

  it('attenuates 6 kHz (alias at 2 kHz) by ≥ 55 dB', () => {
    const y = resampleBuffer(sine(16000, 6000, 16000), 16000, 8000);
    assert.ok(db(amplitudeAt(y, 2000, 8000) / 10000) < -55);
  });
});

describe('Resampler 8 → 16 kHz', () => {
  it('passes 1 kHz within ±0.2 dB and suppresses its 7 kHz image by ≥ 55 dB', () => {
    const y = resampleBuffer(sine(8000, 1000, 8000), 8000, 16000);
    assert.equal(y.length, 16000);
    assert.ok(Math.abs(db(amplitudeAt(y, 1000, 16000) / 10000)) < 0.2);
    assert.ok(db(amplitudeAt(y, 7000, 16000) / 10000) < -55);
  });

  it('suppresses the 4.1 kHz image of a 3.9 kHz input by ≥ 40 dB', () => {
    const y = resampleBuffer(sine(8000, 3900, 8000), 8000, 16000);
    assert.ok(db(amplitudeAt(y, 4100, 16000) / 10000) < -40);
  });
});

describe('Resampler streaming', () => {
  it('gives the same output in 20 ms chunks as in one call, both directions', () => {
    for (const [from, to] of [
      [16000, 8000],
      [8000, 16000],
    ] as const) {
      const x = sine(from, 700, from);
      const whole = resampleBuffer(x, from, to);
      const r = new Resampler(from, to);
      const chunk = (from * 20) / 1000;
      const out = new Int16Array(whole.length);
      const tmp = new Int16Array(r.outputLength(chunk) + 1);
      let w = 0;
      for (let o = 0; o < x.length; o += chunk) {
        const n = r.process(x.subarray(o, o + chunk), chunk, tmp);
        out.set(tmp.subarray(0, n), w);
        w += n;
      }
      assert.equal(w, whole.length);
      assert.deepEqual(out, whole);
    }
  });

  it('same rate copies; output never exceeds the given buffer', () => {
    const r = new Resampler(8000, 8000);
    const out = new Int16Array(3);
    assert.equal(r.process(new Int16Array([1, 2, 3, 4]), 4, out), 3);
    assert.deepEqual([...out], [1, 2, 3]);
    const up = new Resampler(8000, 16000);
    assert.equal(up.process(new Int16Array(10), 10, new Int16Array(5)), 5);
  });
});
