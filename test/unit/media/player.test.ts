import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { Player } from '../../../src/media/player/player.js';
import { convertRate } from '../../../src/media/wav/rate-converter.js';
import { resampleBuffer } from '../../../src/media/wav/resampler.js';
import { MemorySink, WavWriter } from '../../../src/media/wav/wav-writer.js';
import { buildSignal } from './signal-util.js';

const FIX = new URL('../../fixtures/wav/', import.meta.url).pathname;

function tone16k(freq: number, ms: number): Int16Array {
  const n = (16000 * ms) / 1000;
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(8000 * Math.sin((2 * Math.PI * freq * i) / 16000));
  return x;
}

function record(p: Player) {
  const events: string[] = [];
  p.on('prompt-started', (id) => events.push(`start:${id}`));
  p.on('prompt-finished', (id, why) => events.push(`end:${id}:${why}`));
  p.on('queue-empty', () => events.push('empty'));
  return events;
}

/** Reads `frames` frames; returns the concatenated audio and the count of audio frames. */
function play(p: Player, frames: number): { audio: Int16Array; withAudio: number } {
  const audio = new Int16Array(frames * 160);
  const f = new Int16Array(160);
  let withAudio = 0;
  for (let k = 0; k < frames; k++) {
    if (p.read(f)) withAudio++;
    audio.set(f, k * 160);
  }
  return { audio, withAudio };
}

function segs(x: Int16Array, freq: number) {
  const d = new ToneDetector(freq);
  d.process(x);
  return d.finish().map((s) => [s.startMs, s.durationMs]);
}

describe('Player', () => {
  it('plays a queue of PCM prompts (8 kHz and 16 kHz resampled) in order, with events', async () => {
    const p = new Player();
    const events = record(p);
    await p.enqueue({
      id: 'a',
      source: { kind: 'pcm', pcm: buildSignal([{ freq: 500, ms: 100, dbfs: -10 }]), sampleRate: 8000 },
    });
    await p.enqueue({ id: 'b', source: { kind: 'pcm', pcm: tone16k(900, 200), sampleRate: 16000 } });
    assert.equal(p.queueLength, 2);
    const { audio, withAudio } = play(p, 20);
    assert.deepEqual(events, ['start:a', 'end:a:done', 'start:b', 'end:b:done', 'empty']);
    assert.equal(withAudio, 15);
    assert.deepEqual(segs(audio, 500), [[0, 100]]);
    const b = segs(audio, 900);
    assert.equal(b.length, 1);
    assert.ok(Math.abs(b[0]![0]! - 100) <= 10 && Math.abs(b[0]![1]! - 200) <= 10, JSON.stringify(b));
    // resampled progressively while playing, identical to a whole-buffer conversion
    assert.deepEqual(audio.subarray(800, 2400), resampleBuffer(tone16k(900, 200), 16000, 8000));
  });

  it('loops music on hold until stop()', async () => {
    const p = new Player();
    const events = record(p);
    await p.enqueue({
      id: 'moh',
      loop: true,
      source: { kind: 'pcm', pcm: buildSignal([{ freq: 440, ms: 70, dbfs: -10 }]), sampleRate: 8000 },
    });
    const { audio, withAudio } = play(p, 100);
    assert.equal(withAudio, 100);
    assert.deepEqual(segs(audio, 440), [[0, 2000]]);
    assert.equal(p.playing, 'moh');
    p.stop();
    assert.deepEqual(events, ['start:moh', 'end:moh:stopped', 'empty']);
    assert.equal(play(p, 2).withAudio, 0);
  });

  it('barge-in: a digit interrupts the current prompt and flushes the interruptible queue', async () => {
    const p = new Player();
    const events = record(p);
    const pcm = buildSignal([{ freq: 700, ms: 1000, dbfs: -10 }]);
    await p.enqueue({ id: 'menu1', source: { kind: 'pcm', pcm, sampleRate: 8000 } });
    await p.enqueue({ id: 'menu2', source: { kind: 'pcm', pcm, sampleRate: 8000 } });
    play(p, 10);
    assert.equal(p.dtmf('1'), true);
    assert.deepEqual(events, ['start:menu1', 'end:menu1:interrupted', 'end:menu2:interrupted', 'empty']);
    assert.equal(play(p, 1).withAudio, 0);
    assert.equal(p.dtmf('2'), false);
  });

  it('a prompt without barge-in ignores DTMF', async () => {
    const p = new Player();
    const events = record(p);
    await p.enqueue({
      id: 'legal',
      bargeIn: false,
      source: { kind: 'pcm', pcm: new Int16Array(800), sampleRate: 8000 },
    });
    play(p, 1);
    assert.equal(p.dtmf('5'), false);
    play(p, 10);
    assert.deepEqual(events, ['start:legal', 'end:legal:done', 'empty']);
  });

  it('loads a 16 kHz µ-law stereo WAV file (sox) and plays its 1 kHz tone for 500 ± 20 ms', async () => {
    const p = new Player();
    const events = record(p);
    const ready = p.enqueue({
      id: 'f',
      source: { kind: 'wav-file', path: FIX + 'sox-1k-16k-ulaw-stereo.wav' },
    });
    assert.equal(play(p, 1).withAudio, 0, 'silence while loading');
    assert.deepEqual(events, []);
    await ready;
    const { audio } = play(p, 30);
    const s = segs(audio, 1000);
    assert.equal(s.length, 1);
    assert.ok(Math.abs(s[0]![1]! - 500) <= 20);
    assert.deepEqual(events, ['start:f', 'end:f:done', 'empty']);
  });

  it('plays a 44.1 kHz stereo WAV (sox) converted to 8 kHz: 1 kHz for 300 ± 20 ms', async () => {
    const p = new Player();
    await p.enqueue({ id: 'studio', source: { kind: 'wav-file', path: FIX + 'sox-1k-44k1-stereo.wav' } });
    const s = segs(play(p, 20).audio, 1000);
    assert.equal(s.length, 1);
    assert.ok(Math.abs(s[0]![1]! - 300) <= 20, JSON.stringify(s));
  });

  it('plays 22.05 kHz PCM (a TTS engine rate) converted progressively, same as converting at once', async () => {
    const n = 22050 / 2;
    const pcm = new Int16Array(n);
    for (let i = 0; i < n; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 700 * i) / 22050));
    const p = new Player();
    await p.enqueue({ id: 'tts', source: { kind: 'pcm', pcm, sampleRate: 22050 as 8000 } });
    const { audio, withAudio } = play(p, 30);
    assert.equal(withAudio, 25);
    assert.deepEqual(audio.subarray(0, 4000), convertRate(pcm, 22050, 8000));
    assert.deepEqual(segs(audio, 700), [[0, 500]]);
  });

  it('plays WAV bytes from our writer', async () => {
    const sink = new MemorySink();
    const w = new WavWriter(sink);
    w.writeMono(buildSignal([{ freq: 1200, ms: 300, dbfs: -10 }]));
    w.close();
    const p = new Player();
    await p.enqueue({ id: 'w', source: { kind: 'wav-bytes', bytes: sink.contents() } });
    assert.deepEqual(segs(play(p, 20).audio, 1200), [[0, 300]]);
  });

  it('reports unreadable prompts as error and goes on with the queue', async () => {
    const p = new Player({ loadFile: async () => new Uint8Array([1, 2, 3]) });
    const events = record(p);
    await p.enqueue({ id: 'missing', source: { kind: 'wav-file', path: '/nope.wav' } });
    await p.enqueue({ id: 'bad', source: { kind: 'wav-bytes', bytes: new Uint8Array(10) } });
    await p.enqueue({
      id: 'rate',
      source: { kind: 'pcm', pcm: new Int16Array(10), sampleRate: 96000 as 8000 },
    });
    await p.enqueue({
      id: 'ok',
      source: { kind: 'pcm', pcm: new Int16Array(160).fill(9), sampleRate: 8000 },
    });
    const f = new Int16Array(160);
    assert.equal(p.read(f), true);
    assert.equal(f[0], 9);
    assert.deepEqual(events, [
      'end:missing:error',
      'end:bad:error',
      'end:rate:error',
      'start:ok',
      'end:ok:done',
      'empty',
    ]);
  });

  it('a failing loader rejects nothing and marks the prompt as error', async () => {
    const p = new Player({ loadFile: () => Promise.reject(new Error('ENOENT')) });
    const events = record(p);
    await p.enqueue({ id: 'x', source: { kind: 'wav-file', path: '/x.wav' } });
    play(p, 1);
    assert.deepEqual(events, ['end:x:error', 'empty']);
  });

  it('close() stops and ignores later prompts', async () => {
    const p = new Player();
    await p.enqueue({ id: 'a', source: { kind: 'pcm', pcm: new Int16Array(1600), sampleRate: 8000 } });
    p.close();
    await p.enqueue({
      id: 'b',
      source: { kind: 'pcm', pcm: new Int16Array(1600).fill(1), sampleRate: 8000 },
    });
    assert.equal(p.queueLength, 0);
  });
});
