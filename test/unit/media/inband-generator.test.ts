import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PCMU } from '../../../src/media/codecs/g711.js';
import type { DtmfDigitEvent } from '../../../src/media/dtmf/dtmf-types.js';
import { InbandDtmfDetector, ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { InbandDtmfGenerator } from '../../../src/media/dtmf/inband-generator.js';
import { buildSignal } from './signal-util.js';

describe('InbandDtmfGenerator', () => {
  it('inserts queued digits into a stream; our detector reads them back (through µ-law) with durations', () => {
    const gen = new InbandDtmfGenerator();
    for (const d of '0123456789*#ABCD') assert.equal(gen.queue(d, 80), true);
    const got: DtmfDigitEvent[] = [];
    const det = new InbandDtmfDetector({ onDigit: (e) => got.push(e) });
    const speech = buildSignal([{ freq: 300, ms: 20, dbfs: -30 }]);
    const frame = new Int16Array(160);
    const bytes = new Uint8Array(160);
    let replaced = 0;
    for (let k = 0; k < 150; k++) {
      frame.set(speech); // the caller's ongoing audio
      if (gen.process(frame)) replaced++;
      PCMU.encode(frame, bytes);
      PCMU.decode(bytes, frame);
      det.process(frame);
    }
    det.flush();
    assert.equal(got.map((e) => e.digit).join(''), '0123456789*#ABCD');
    assert.ok(
      got.every((e) => Math.abs(e.durationMs - 80) <= 26),
      JSON.stringify(got.map((e) => e.durationMs)),
    );
    assert.equal(replaced, Math.ceil((16 * (80 + 60)) / 20));
    assert.equal(gen.active, false);
  });

  it('leaves audio untouched when idle, and clear() stops at once', () => {
    const gen = new InbandDtmfGenerator();
    const f = new Int16Array(160).fill(123);
    assert.equal(gen.process(f), false);
    assert.ok(f.every((v) => v === 123));
    gen.queue('5', 1000);
    gen.process(f);
    gen.clear();
    f.fill(123);
    assert.equal(gen.process(f), false);
    assert.ok(f.every((v) => v === 123));
  });

  it('refuses non-keys and a full queue; clamps durations to 40 ms – 2 s', () => {
    const gen = new InbandDtmfGenerator({ gapMs: 40 });
    assert.equal(gen.queue('X'), false);
    assert.equal(gen.queue('12'), false);
    for (let i = 0; i < 64; i++) gen.queue('1', 10);
    assert.equal(gen.queue('1'), false);
    assert.equal(gen.dropped, 3);
    gen.clear();
    gen.queue('9', 5); // → 40 ms
    const tone = new ToneDetector(852, { minRatio: 0.3 }); // one of two equal tones: ~50 % of the energy
    const f = new Int16Array(160);
    for (let k = 0; k < 5; k++) {
      gen.process(f);
      tone.process(f);
    }
    assert.deepEqual(
      tone.finish().map((s) => s.durationMs),
      [40],
    );
  });
});
