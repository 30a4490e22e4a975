import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertRate, RateConverter } from '../../../src/media/wav/rate-converter.js';

function sine(n: number, f: number, rate: number, amp = 10000): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(amp * Math.sin((2 * Math.PI * f * i) / rate));
  return x;
}

function amplitudeAt(x: Int16Array, f: number, rate: number): number {
  let s = 0;
  let c = 0;
  const a = 400;
  const b = x.length - 400;
  for (let i = a; i < b; i++) {
    s += x[i]! * Math.sin((2 * Math.PI * f * i) / rate);
    c += x[i]! * Math.cos((2 * Math.PI * f * i) / rate);
  }
  return (2 * Math.hypot(s, c)) / (b - a);
}

const db = (r: number) => 20 * Math.log10(Math.max(r, 1e-9));

describe('RateConverter (any rate → 8 kHz)', () => {
  for (const rate of [11025, 22050, 32000, 44100, 48000]) {
    it(`${rate} Hz: 1 kHz ±0.05 dB, 3.4 kHz within 0.3 dB, a 4.1 kHz input (3.9 kHz alias) ≥ 60 dB down`, () => {
      const y1 = convertRate(sine(rate, 1000, rate), rate, 8000);
      assert.equal(y1.length, 8000);
      assert.ok(Math.abs(db(amplitudeAt(y1, 1000, 8000) / 10000)) < 0.05);
      const y2 = convertRate(sine(rate, 3400, rate), rate, 8000);
      assert.ok(Math.abs(db(amplitudeAt(y2, 3400, 8000) / 10000)) < 0.3);
      const y3 = convertRate(sine(rate, 4100, rate), rate, 8000);
      assert.ok(
        db(amplitudeAt(y3, 3900, 8000) / 10000) < -60,
        `${db(amplitudeAt(y3, 3900, 8000) / 10000)} dB`,
      );
    });
  }

  it('fill() in frame-sized pieces equals one whole conversion, and stops at the end', () => {
    const x = sine(44100, 440, 44100);
    const whole = convertRate(x, 44100, 8000);
    const c = new RateConverter(x, 44100, 8000);
    const out = new Int16Array(whole.length + 10);
    let w = 0;
    for (let k = 0; k < 100 && w < whole.length; k++) w += c.fill(out, w, 160);
    assert.equal(w, whole.length);
    assert.equal(c.fill(out, w, 160), 0);
    assert.deepEqual(out.subarray(0, w), whole);
    assert.equal(c.position, whole.length);
  });

  it('also converts upwards (8 → 11.025 kHz) keeping a 1 kHz tone', () => {
    const y = convertRate(sine(8000, 1000, 8000), 8000, 11025);
    assert.equal(y.length, 11025);
    assert.ok(Math.abs(db(amplitudeAt(y, 1000, 11025) / 10000)) < 0.05);
  });

  it('same rate returns the input', () => {
    const x = new Int16Array([1, 2, 3]);
    assert.equal(convertRate(x, 8000, 8000), x);
  });
});
