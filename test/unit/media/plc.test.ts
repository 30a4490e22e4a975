import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketLossConcealer } from '../../../src/media/dsp/plc.js';

/** A voiced-speech-like periodic signal: f0 with 5 decaying harmonics. */
function voiced(n: number, f0 = 160, amp = 6000): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 1; k <= 5; k++) v += (amp / k) * Math.sin((2 * Math.PI * f0 * k * i) / 8000 + k);
    x[i] = Math.round(v);
  }
  return x;
}

function snrDb(ref: Int16Array, got: Int16Array): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < ref.length; i++) {
    s += ref[i]! ** 2;
    e += (ref[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(s / e);
}

describe('PacketLossConcealer', () => {
  it('continues a voiced signal across a 10 ms loss far better than repeating the last frame', () => {
    const x = voiced(800);
    const plc = new PacketLossConcealer();
    plc.good(x.slice(0, 480), 0, 480);
    const concealed = new Int16Array(80);
    plc.conceal(concealed, 0, 80);
    const truth = x.subarray(480, 560);
    const repeat = x.slice(480 - 160, 480 - 80); // what "repeat the previous 20 ms frame" would play
    const plcSnr = snrDb(truth, concealed);
    assert.ok(plcSnr > 15, `PLC SNR ${plcSnr.toFixed(1)} dB`);
    assert.ok(plcSnr > snrDb(truth, repeat) + 10, `repeat SNR ${snrDb(truth, repeat).toFixed(1)} dB`);
  });

  it('finds pitch periods from 66 to 200 Hz', () => {
    for (const f0 of [80, 100, 133.33, 200]) {
      const x = voiced(600, f0);
      const plc = new PacketLossConcealer();
      plc.good(x.slice(0, 480), 0, 480);
      const c = new Int16Array(40);
      plc.conceal(c, 0, 40);
      assert.ok(
        snrDb(x.subarray(480, 520), c) > 12,
        `f0 ${f0}: ${snrDb(x.subarray(480, 520), c).toFixed(1)} dB`,
      );
    }
  });

  it('fades: full level for 10 ms, −20 % per 10 ms, silence after 60 ms', () => {
    const x = voiced(480);
    const plc = new PacketLossConcealer();
    plc.good(x, 0, 480);
    const c = new Int16Array(800);
    plc.conceal(c, 0, 800);
    const peak = (a: number, b: number) => Math.max(...Array.from(c.subarray(a, b), Math.abs));
    assert.ok(peak(0, 80) > 5000);
    assert.ok(peak(320, 400) < 0.45 * peak(0, 80));
    assert.equal(peak(480, 800), 0);
    assert.equal(plc.audible, false);
    assert.equal(plc.erasedSamples, 800);
  });

  it('cross-fades back into real audio without a click', () => {
    const x = voiced(1200);
    const plc = new PacketLossConcealer();
    plc.good(x.slice(0, 480), 0, 480);
    const c = new Int16Array(160);
    plc.conceal(c, 0, 160);
    const resumed = x.slice(640, 800);
    plc.good(resumed, 0, 160);
    const stream = new Int16Array([...x.subarray(0, 480), ...c, ...resumed]);
    let natural = 0;
    for (let i = 1; i < 480; i++) natural = Math.max(natural, Math.abs(x[i]! - x[i - 1]!));
    for (let i = 470; i < 700; i++) {
      assert.ok(Math.abs(stream[i]! - stream[i - 1]!) <= natural * 1.3, `jump at ${i}`);
    }
    assert.deepEqual(resumed.subarray(64), x.subarray(704, 800)); // only the first 8 ms (20 ms lost) were touched
  });

  it('gives the same output whatever the chunk sizes', () => {
    const x = voiced(480);
    const a = new PacketLossConcealer();
    const b = new PacketLossConcealer();
    a.good(x, 0, 480);
    for (let o = 0; o < 480; o += 80) b.good(x, o, 80);
    const ca = new Int16Array(240);
    const cb = new Int16Array(240);
    a.conceal(ca, 0, 240);
    for (let o = 0; o < 240; o += 30) b.conceal(cb, o, 30);
    assert.deepEqual(ca, cb);
  });

  it('conceals with silence when there is not enough history', () => {
    const plc = new PacketLossConcealer();
    plc.good(new Int16Array(100).fill(500), 0, 100);
    const c = new Int16Array(160).fill(1);
    plc.conceal(c, 0, 160);
    assert.ok(c.every((v) => v === 0));
    assert.equal(plc.audible, false);
  });
});
