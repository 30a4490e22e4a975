import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ComfortNoiseGenerator,
  type ComfortNoiseInfo,
  comfortNoiseLevel,
  parseComfortNoise,
} from '../../../src/media/codecs/comfort-noise.js';

const rmsDbov = (x: Int16Array) => {
  let e = 0;
  for (const v of x) e += v * v;
  return -20 * Math.log10(Math.sqrt(e / x.length) / 32767);
};

describe('comfort noise (RFC 3389)', () => {
  it('parses the level byte and counts reflection coefficients', () => {
    const info: ComfortNoiseInfo = { levelDbov: 0, coefficients: 0 };
    assert.equal(parseComfortNoise(new Uint8Array([0x28]), 0, 1, info), true);
    assert.deepEqual(info, { levelDbov: 40, coefficients: 0 });
    assert.equal(parseComfortNoise(new Uint8Array([9, 9, 0x3e, 0x81, 0x7f]), 2, 3, info), true);
    assert.deepEqual(info, { levelDbov: 62, coefficients: 2 });
  });

  it('rejects an empty payload, a set reserved bit and bad bounds', () => {
    const info: ComfortNoiseInfo = { levelDbov: 0, coefficients: 0 };
    assert.equal(parseComfortNoise(new Uint8Array([0x28]), 0, 0, info), false);
    assert.equal(parseComfortNoise(new Uint8Array([0xa8]), 0, 1, info), false);
    assert.equal(parseComfortNoise(new Uint8Array([0x28]), 1, 1, info), false);
  });

  it('generates noise at the signalled level (±0.5 dB), deterministically', () => {
    for (const level of [20, 40, 60]) {
      const g = new ComfortNoiseGenerator();
      g.setLevel(level);
      const x = new Int16Array(8000);
      for (let o = 0; o < 8000; o += 160) g.generate(x, 160, o);
      assert.ok(Math.abs(rmsDbov(x) - level) < 0.5, `${level}: ${rmsDbov(x)}`);
    }
    const a = new Int16Array(160);
    const b = new Int16Array(160);
    const g1 = new ComfortNoiseGenerator(7);
    const g2 = new ComfortNoiseGenerator(7);
    g1.setLevel(30);
    g2.setLevel(30);
    g1.generate(a);
    g2.generate(b);
    assert.deepEqual(a, b);
  });

  it('describes a frame by its level, and round-trips through the generator', () => {
    assert.equal(comfortNoiseLevel(new Int16Array(160)), 127);
    const g = new ComfortNoiseGenerator();
    g.setLevel(45);
    const x = new Int16Array(1600);
    g.generate(x);
    assert.ok(Math.abs(comfortNoiseLevel(x) - 45) <= 1);
    assert.equal(comfortNoiseLevel(new Int16Array(160).fill(32767)), 0);
  });
});
