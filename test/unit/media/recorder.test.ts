import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { dbfsToAmplitude, ToneGenerator } from '../../../src/media/dsp/tone.js';
import { ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { Recorder } from '../../../src/media/recorder/recorder.js';
import { readWavCues } from '../../../src/media/wav/wav-cues.js';
import { decodeWav } from '../../../src/media/wav/wav-reader.js';
import { MemorySink } from '../../../src/media/wav/wav-writer.js';

function segs(x: Int16Array, f: number) {
  const d = new ToneDetector(f);
  d.process(x);
  return d.finish().map((s) => [s.startMs, s.endMs]);
}

/** Runs ticks with caller 1 kHz and agent 600 Hz; `at` hooks run before tick k. */
function drive(rec: Recorder, ticks: number, at: Record<number, () => void> = {}, agentFrom = 0) {
  const cg = new ToneGenerator().sine(1000, dbfsToAmplitude(-10));
  const ag = new ToneGenerator().sine(600, dbfsToAmplitude(-10));
  const c = new Int16Array(160);
  const a = new Int16Array(160);
  for (let k = 0; k < ticks; k++) {
    at[k]?.();
    cg.generate(c);
    ag.generate(a);
    rec.setCaller(c);
    if (k >= agentFrom) rec.setAgent(a);
    rec.tick();
  }
}

describe('Recorder', () => {
  it('records caller left and agent right, aligned per tick, and reports duration and bytes', () => {
    const sink = new MemorySink();
    const rec = new Recorder({ sink });
    drive(rec, 150, {}, 50); // agent answers after 1 s
    const res = rec.stop();
    assert.deepEqual(res, { durationMs: 3000, bytes: 44 + 3 * 8000 * 4, layout: 'stereo', pauses: [] });
    const { info, channels } = decodeWav(sink.contents());
    assert.equal(info.channels, 2);
    assert.equal(info.durationMs, 3000);
    assert.equal(sink.contents().length, res.bytes);
    assert.deepEqual(segs(channels[0]!, 1000), [[0, 3000]]);
    assert.deepEqual(segs(channels[0]!, 600), []);
    assert.deepEqual(segs(channels[1]!, 600), [[1000, 3000]]);
    assert.deepEqual(segs(channels[1]!, 1000), []);
  });

  it('pause writes silence and records the interval; resume continues; timeline is kept', () => {
    const sink = new MemorySink();
    const rec = new Recorder({ sink });
    const events: string[] = [];
    rec.on('paused', (t) => events.push(`paused@${t}`));
    rec.on('resumed', (t) => events.push(`resumed@${t}`));
    drive(rec, 100, {
      25: () => rec.pause(),
      30: () => rec.pause(), // idempotent
      75: () => rec.resume(),
    });
    assert.equal(rec.state, 'recording');
    const res = rec.stop();
    assert.deepEqual(res.pauses, [[500, 1500]]);
    assert.equal(res.durationMs, 2000);
    assert.deepEqual(events, ['paused@500', 'resumed@1500']);
    // the marker is in the file too, as WAV cue points after the data
    assert.deepEqual(readWavCues(sink.contents()), [
      { id: 1, frame: 4000, label: 'pause' },
      { id: 2, frame: 12000, label: 'resume' },
    ]);
    assert.equal(res.bytes, sink.contents().length);
    const { channels } = decodeWav(sink.contents());
    assert.deepEqual(segs(channels[0]!, 1000), [
      [0, 500],
      [1500, 2000],
    ]);
    assert.ok(channels[1]!.subarray(4000 + 80, 12000 - 80).every((v) => v === 0));
  });

  it('mixed mono layout sums both sides', () => {
    const sink = new MemorySink();
    const rec = new Recorder({ sink, layout: 'mono' });
    drive(rec, 50);
    const res = rec.stop();
    assert.equal(res.bytes, 44 + 8000 * 2);
    const { info, channels } = decodeWav(sink.contents());
    assert.equal(info.channels, 1);
    assert.deepEqual(segs(channels[0]!, 1000), [[0, 1000]]);
    const d = new ToneDetector(600, { minRatio: 0.3 });
    d.process(channels[0]!);
    assert.deepEqual(
      d.finish().map((s) => [s.startMs, s.endMs]),
      [[0, 1000]],
    );
  });

  it('stop() is idempotent, emits once, ignores later ticks; pause/resume after stop throw SWB_MEDIA_RECORDER_STATE', () => {
    const rec = new Recorder({ sink: new MemorySink() });
    let stopped = 0;
    rec.on('stopped', () => stopped++);
    drive(rec, 5);
    const a = rec.stop();
    drive(rec, 5);
    assert.equal(rec.stop(), a);
    assert.equal(a.durationMs, 100);
    assert.equal(stopped, 1);
    assert.throws(
      () => rec.pause(),
      (e: unknown) => isSwbError(e, 'SWB_MEDIA_RECORDER_STATE'),
    );
    assert.throws(
      () => rec.resume(),
      (e: unknown) => isSwbError(e, 'SWB_MEDIA_RECORDER_STATE'),
    );
  });

  it('stop() while paused closes the pause interval', () => {
    const rec = new Recorder({ sink: new MemorySink() });
    drive(rec, 10, { 4: () => rec.pause() });
    assert.deepEqual(rec.stop().pauses, [[80, 200]]);
  });

  it('a recording never stopped is readable up to the last flush (≤ 1 s lost)', () => {
    const sink = new MemorySink();
    const rec = new Recorder({ sink });
    drive(rec, 130); // 2.6 s, no stop()
    assert.equal(rec.durationMs, 2600);
    const { info } = decodeWav(sink.contents());
    assert.equal(info.durationMs, 2000);
    assert.ok(rec.durationMs - info.durationMs <= 1000);
  });
});
