import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { resampleBuffer } from '../../../src/media/wav/resampler.js';
import { readWavCues } from '../../../src/media/wav/wav-cues.js';
import { decodeWav, mixToMono, readWavHeader } from '../../../src/media/wav/wav-reader.js';
import { AsyncFileSink, FileSink, MemorySink, WavWriter } from '../../../src/media/wav/wav-writer.js';
import { buildSignal } from './signal-util.js';

const FIX = new URL('../../fixtures/wav/', import.meta.url).pathname;
const load = (f: string) => new Uint8Array(readFileSync(FIX + f));

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function toneSegments(x: Int16Array, freq: number, rate = 8000) {
  const d = new ToneDetector(freq, { sampleRate: rate });
  d.process(x);
  return d.finish();
}

describe('WAV reader on sox/espeak-ng files', () => {
  it('reads sox PCM16 8 kHz and finds its 1 kHz tone for 1000 ± 20 ms', () => {
    const { info, channels } = decodeWav(load('sox-1k-8k-pcm16.wav'));
    assert.deepEqual(
      {
        f: info.format,
        r: info.sampleRate,
        c: info.channels,
        b: info.bitsPerSample,
        o: info.dataOffset,
        n: info.frames,
      },
      { f: 1, r: 8000, c: 1, b: 16, o: 44, n: 8000 },
    );
    const segs = toneSegments(channels[0]!, 1000);
    assert.equal(segs.length, 1);
    assert.ok(Math.abs(segs[0]!.durationMs - 1000) <= 20);
  });

  it('reads sox µ-law 16 kHz stereo (fmt 18 bytes + fact chunk); resampled to 8 kHz the tone remains', () => {
    const { info, channels } = decodeWav(load('sox-1k-16k-ulaw-stereo.wav'));
    assert.equal(info.format, 7);
    assert.equal(info.channels, 2);
    assert.equal(info.sampleRate, 16000);
    assert.equal(info.frames, 8000);
    assert.equal(info.durationMs, 500);
    const mono8k = resampleBuffer(mixToMono(channels), 16000, 8000);
    assert.equal(mono8k.length, 4000);
    const segs = toneSegments(mono8k, 1000);
    assert.equal(segs.length, 1);
    assert.ok(Math.abs(segs[0]!.durationMs - 500) <= 20, JSON.stringify(segs));
  });

  it('reads sox A-law 8 kHz', () => {
    const { info, channels } = decodeWav(load('sox-1k-8k-alaw.wav'));
    assert.equal(info.format, 6);
    assert.equal(info.frames, 4000);
    assert.ok(Math.abs(toneSegments(channels[0]!, 1000)[0]!.durationMs - 500) <= 20);
  });

  it('reads espeak-ng speech with an odd data size', () => {
    const info = readWavHeader(load('espeak-speech-8k-ulaw.wav'));
    assert.equal(info.declaredDataBytes, 49125);
    assert.equal(info.frames, 49125);
  });
});

describe('WAV reader: bad and truncated files', () => {
  const header = (fmt: string, data: string) => hex(`52494646 00000000 57415645 ${fmt} ${data}`);
  const fmtPcm16 = '666d7420 10000000 0100 0100 401f0000 803e0000 0200 1000';
  const cases: Array<[string, Uint8Array, string]> = [
    ['not RIFF', hex('52494658 00000000 57415645'), 'not a RIFF/WAVE file'],
    ['too short', hex('5249'), 'not a RIFF/WAVE file'],
    [
      'fmt chunk too short',
      hex('52494646 00000000 57415645 666d7420 08000000 0100 0100 401f0000'),
      'fmt chunk too short',
    ],
    [
      '8-bit PCM',
      header('666d7420 10000000 0100 0100 401f0000 401f0000 0100 0800', '64617461 00000000'),
      'unsupported PCM bit depth 8',
    ],
    [
      '3 channels',
      header('666d7420 10000000 0100 0300 401f0000 00770100 0600 1000', '64617461 00000000'),
      'unsupported channel count 3',
    ],
    [
      'IEEE float',
      header('666d7420 10000000 0300 0100 401f0000 00fa0000 0400 2000', '64617461 00000000'),
      'unsupported format 3',
    ],
    ['data before fmt', hex('52494646 00000000 57415645 64617461 00000000'), 'data chunk before fmt chunk'],
    ['no data chunk', header(fmtPcm16, ''), 'no data chunk'],
    [
      'bad block align',
      header('666d7420 10000000 0100 0100 401f0000 803e0000 0400 1000', '64617461 00000000'),
      'block align 4 does not match 2',
    ],
  ];
  for (const [name, bytes, reason] of cases) {
    it(`throws SWB_MEDIA_WAV_INVALID for ${name}`, () => {
      assert.throws(
        () => readWavHeader(bytes),
        (e: unknown) => isSwbError(e, 'SWB_MEDIA_WAV_INVALID') && e.details?.reason === reason,
      );
    });
  }

  it('reads to the end of the file when the data size is 0, 0xffffffff or too large (crashed writer)', () => {
    for (const size of ['00000000', 'ffffffff', '00100000']) {
      const f = header(fmtPcm16, `64617461 ${size} 0100 0200 0300 04`); // 3.5 samples present
      const { info, channels } = decodeWav(f);
      assert.equal(info.frames, 3);
      assert.deepEqual([...channels[0]!], [1, 2, 3]);
    }
  });
});

describe('WavWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swb-wav-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a byte-exact 44-byte header and patches sizes on close', () => {
    const sink = new MemorySink();
    const w = new WavWriter(sink, { sampleRate: 8000, channels: 2 });
    assert.deepEqual(
      sink.contents(),
      hex(
        '52494646 24000000 57415645 666d7420 10000000 0100 0200 401f0000 007d0000 0400 1000 64617461 00000000',
      ),
    );
    w.writeStereo(new Int16Array([1, -1]), new Int16Array([256, 0]), 2);
    w.close();
    assert.deepEqual(sink.contents().subarray(40), hex('08000000 0100 0001 ffff 0000'));
    assert.deepEqual(sink.contents().subarray(4, 8), hex('2c000000'));
    assert.equal(w.bytes, 52);
    assert.equal(sink.closed, true);
  });

  it('a file written for N seconds and never closed reads back with all but the last second', () => {
    const path = join(dir, 'crash.wav');
    const w = new WavWriter(new FileSink(path), { sampleRate: 8000, channels: 2 });
    const caller = buildSignal([{ freq: 1000, ms: 3500, dbfs: -10 }]);
    const agent = buildSignal([{ freq: 600, ms: 3500, dbfs: -10 }]);
    for (let o = 0; o < caller.length; o += 160) w.writeStereo(caller.subarray(o), agent.subarray(o), 160);
    assert.equal(w.durationMs, 3500);
    // simulate a crash: no close(); read what is on disk
    const { info, channels } = decodeWav(new Uint8Array(readFileSync(path)));
    assert.equal(info.declaredDataBytes, 3 * 8000 * 4); // patched at 1, 2, 3 s
    assert.equal(info.durationMs, 3000);
    assert.ok(3500 - info.durationMs <= 1000);
    assert.deepEqual(channels[0], caller.subarray(0, 24000));
    assert.deepEqual(channels[1], agent.subarray(0, 24000));
    assert.ok(Math.abs(toneSegments(channels[1]!, 600)[0]!.durationMs - 3000) <= 20);
    w.close();
    const done = readWavHeader(new Uint8Array(readFileSync(path)));
    assert.equal(done.durationMs, 3500);
    assert.equal(done.declaredDataBytes, done.dataBytes);
  });

  it('AsyncFileSink: writes land in order off the tick; the file is valid after each flush', async () => {
    const path = join(dir, 'async.wav');
    const sink = new AsyncFileSink(path);
    const w = new WavWriter(sink, { channels: 1 });
    const x = buildSignal([{ freq: 1000, ms: 2300, dbfs: -10 }]);
    for (let o = 0; o < x.length; o += 160) w.writeMono(x.subarray(o, o + 160));
    await sink.idle();
    const mid = decodeWav(new Uint8Array(readFileSync(path)));
    assert.equal(mid.info.durationMs, 2000);
    assert.deepEqual(mid.channels[0], x.subarray(0, 16000));
    w.close();
    await sink.idle();
    assert.equal(sink.error, null);
    assert.deepEqual(decodeWav(new Uint8Array(readFileSync(path))).channels[0], x);
  });

  it('AsyncFileSink keeps an open error instead of throwing, and drops later writes', async () => {
    const sink = new AsyncFileSink(join(dir, 'no-such-dir', 'x.wav'));
    const w = new WavWriter(sink);
    w.writeMono(new Int16Array(8000));
    w.close();
    await sink.idle();
    assert.equal((sink.error as NodeJS.ErrnoException).code, 'ENOENT');
  });

  it('close(cues) appends cue + labl chunks after the data, byte-exact, and patches the RIFF size', () => {
    const sink = new MemorySink();
    const w = new WavWriter(sink);
    w.writeMono(new Int16Array([1, 2]));
    w.close([{ id: 7, frame: 1, label: 'pause' }]);
    const f = sink.contents();
    assert.deepEqual(
      f.subarray(48),
      hex(`63756520 1c000000 01000000 07000000 01000000 64617461 00000000 00000000 01000000
           4c495354 16000000 6164746c 6c61626c 0a000000 07000000 7061757365 00`),
    );
    assert.equal(new DataView(f.buffer).getUint32(4, true), f.length - 8);
    assert.equal(w.bytes, f.length);
    assert.deepEqual(readWavCues(f), [{ id: 7, frame: 1, label: 'pause' }]);
    assert.deepEqual([...decodeWav(f).channels[0]!], [1, 2]);
    assert.deepEqual(readWavCues(load('sox-1k-8k-pcm16.wav')), []);
  });

  it('mono writer with a custom flush interval flushes on schedule', () => {
    const sink = new MemorySink();
    const w = new WavWriter(sink, { channels: 1, flushIntervalMs: 200 });
    const f = new Int16Array(160).fill(5);
    for (let i = 0; i < 25; i++) w.writeMono(f); // 500 ms
    assert.equal(w.flushes, 2);
    assert.equal(readWavHeader(sink.contents()).declaredDataBytes, 2 * 1600 * 2);
    w.writeStereo(f, f, 160); // wrong layout: ignored
    assert.equal(w.durationMs, 500);
    w.close();
    w.writeMono(f); // after close: ignored
    assert.equal(readWavHeader(sink.contents()).durationMs, 500);
  });
});
