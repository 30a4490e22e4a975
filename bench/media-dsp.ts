/**
 * Media DSP micro-benchmarks: cost per 20 ms frame (or per packet) of the pure media components,
 * and what that means as a share of one core for one 8 kHz stream (50 frames/s).
 * Run: node --import tsx bench/media-dsp.ts [seconds per case, default 1]
 * Copy the figures to docs/benchmarks.md (## Media DSP).
 */

import { PerformanceObserver } from 'node:perf_hooks';
import { PCMU, transcodeG711, ULAW_TO_ALAW } from '../src/media/codecs/g711.js';
import { Mixer } from '../src/media/dsp/mixer.js';
import { dbfsToAmplitude, ToneGenerator } from '../src/media/dsp/tone.js';
import { InbandDtmfDetector, ToneDetector } from '../src/media/dtmf/goertzel.js';
import { Rfc4733Receiver } from '../src/media/dtmf/rfc4733.js';
import { JitterBuffer } from '../src/media/jitter/jitter-buffer.js';
import { Recorder } from '../src/media/recorder/recorder.js';
import { createRtpHeader, readRtpHeader, writeRtpHeader } from '../src/media/rtp/rtp-packet.js';
import { RtpReceiverStats } from '../src/media/rtp/rtp-stats.js';
import { RateConverter } from '../src/media/wav/rate-converter.js';
import { Resampler } from '../src/media/wav/resampler.js';
import type { WavSink } from '../src/media/wav/wav-writer.js';

const seconds = Number(process.argv[2] ?? 1);

/** Runs fn repeatedly; prints ns per call and, if perFrame, % of one core for one 50 frame/s stream. */
function run(name: string, fn: () => void, perFrame = true, units = 1): number {
  for (let i = 0; i < 5000; i++) fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let now = t0;
  while (now < end) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    now = process.hrtime.bigint();
  }
  const ns = Number(now - t0) / n / units;
  const pct = perFrame ? `${((ns * 50) / 1e7).toFixed(4)} % of a core per stream` : '';
  console.log(`${name.padEnd(56)} ${ns.toFixed(0).padStart(8)} ns  ${pct}`);
  return ns;
}

const frame = new Int16Array(160);
new ToneGenerator().sine(440, dbfsToAmplitude(-10)).generate(frame);
const speechLike = new Int16Array(160);
new ToneGenerator().dual(300, 6000, 1100, 3000).generate(speechLike);
const bytes = new Uint8Array(172);
const pcm = new Int16Array(160);

console.log(`node ${process.version}, ${seconds} s per case`);
run('G.711 µ-law encode (160 samples)', () => PCMU.encodeTo(frame, 160, bytes, 12));
run('G.711 µ-law decode (160 samples)', () => PCMU.decodeFrom(bytes, 12, 160, pcm));
const alaw = new Uint8Array(160);
run('G.711 µ-law → A-law transcode (160 bytes)', () => transcodeG711(ULAW_TO_ALAW, bytes, 160, alaw));

writeRtpHeader(bytes, { marker: false, payloadType: 0, sequence: 1, timestamp: 160, ssrc: 0x1234 });
const h = createRtpHeader();
run('RTP readRtpHeader', () => readRtpHeader(bytes, 172, h), false);
let seq = 0;
run(
  'RTP writeRtpHeader',
  () =>
    writeRtpHeader(bytes, {
      marker: false,
      payloadType: 0,
      sequence: seq++ & 0xffff,
      timestamp: seq * 160,
      ssrc: 1,
    }),
  false,
);
const stats = new RtpReceiverStats(8000, 1);
let s2 = 0;
run(
  'RtpReceiverStats.update (A.1 + A.8)',
  () => {
    s2++;
    stats.update(s2 & 0xffff, s2 * 160, s2 * 20);
  },
  false,
);

const det = new InbandDtmfDetector({ onDigit: () => {} });
run('InbandDtmfDetector.process (one 20 ms frame, no tone)', () => det.process(speechLike));
const dtmfFrame = new Int16Array(160);
new ToneGenerator().dtmf('5', dbfsToAmplitude(-10));
const tone = new ToneDetector(1000);
run('ToneDetector.process (one 20 ms frame)', () => tone.process(frame));
const rx = new Rfc4733Receiver({ onDigit: () => {} });
const ev = new Uint8Array([5, 0x0a, 0, 160]);
let ts = 0;
run('Rfc4733Receiver.push', () => rx.push((ts += 1000), ev, 0, 4), false);

const jb = new JitterBuffer({ codec: PCMU });
let jseq = 0;
const out = new Int16Array(160);
run('JitterBuffer push + pop (with µ-law decode)', () => {
  jb.push(jseq & 0xffff, jseq * 160, 1, bytes, 12, 160, jseq * 20);
  jseq++;
  jb.pop(out);
});

for (const n of [2, 3, 5, 10]) {
  const m = new Mixer();
  for (let i = 0; i < n; i++) m.add(`p${i}`);
  for (let i = 0; i < n; i++) m.input(`p${i}`).set(frame);
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  const ns = run(
    `Mixer ${n}-party tick (inputs set + mix), per participant`,
    () => {
      for (const id of ids) m.input(id);
      m.mix();
    },
    true,
    n,
  );
  void ns;
}
const sup = new Mixer();
sup.add('caller');
sup.add('agent');
sup.add('sup', 'whisper', 'agent');
run('Mixer 2 parties + whispering supervisor, per tick', () => sup.mix());

const down = new Resampler(16000, 8000);
const in16 = new Int16Array(320);
new ToneGenerator(16000).sine(1000, 8000).generate(in16);
run('Resampler 16→8 kHz (one 20 ms frame)', () => down.process(in16, 320, pcm));
const up = new Resampler(8000, 16000);
const o16 = new Int16Array(320);
run('Resampler 8→16 kHz (one 20 ms frame)', () => up.process(frame, 160, o16));

const cd = new Int16Array(44100 * 10);
new ToneGenerator(44100).sine(1000, 8000).generate(cd);
let conv = new RateConverter(cd, 44100, 8000);
run('RateConverter 44.1→8 kHz (one 20 ms output frame)', () => {
  if (conv.fill(pcm, 0, 160) < 160) conv = new RateConverter(cd, 44100, 8000);
});

const nullSink: WavSink = { write() {}, close() {} };
const rec = new Recorder({ sink: nullSink });
run('Recorder stereo tick (null sink; 1 s flush included)', () => rec.writeTick(frame, speechLike));
void dtmfFrame;

// Allocation check: one recorded, DTMF-listening 2-party call's per-tick path for 100,000 ticks
// (2,000 s of audio); counts garbage collections seen meanwhile (0 or a handful = no per-frame garbage).
const gcs: string[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push(e.name);
});
obs.observe({ entryTypes: ['gc'] });
{
  const jbA = new JitterBuffer({ codec: PCMU });
  const jbB = new JitterBuffer({ codec: PCMU });
  const dA = new InbandDtmfDetector({ onDigit: () => {} });
  const mix = new Mixer();
  mix.add('a');
  mix.add('b');
  const inA = mix.input('a');
  const inB = mix.input('b');
  const outA = mix.output('a');
  const outB = mix.output('b');
  const r = new Recorder({ sink: nullSink });
  const pkt = new Uint8Array(172);
  PCMU.encodeTo(speechLike, 160, pkt, 12);
  const hh = createRtpHeader();
  const st = new RtpReceiverStats(8000, 1);
  const fields = { marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 7 };
  const tick = (k: number): void => {
    fields.sequence = k & 0xffff;
    fields.timestamp = k * 160;
    writeRtpHeader(pkt, fields);
    readRtpHeader(pkt, 172, hh);
    st.update(hh.sequence, hh.timestamp, k * 20);
    jbA.push(hh.sequence, hh.timestamp, hh.ssrc, pkt, 12, 160, k * 20);
    jbB.push(hh.sequence, hh.timestamp, hh.ssrc, pkt, 12, 160, k * 20);
    jbA.pop(inA);
    jbB.pop(inB);
    dA.process(inA);
    mix.mix();
    PCMU.encodeTo(outA, 160, pkt, 12);
    PCMU.encodeTo(outB, 160, pkt, 12);
    r.writeTick(inA, inB);
  };
  for (let k = 0; k < 2000; k++) tick(k); // warm-up
  await new Promise((res) => setTimeout(res, 50)); // let GC entries of earlier work arrive first
  gcs.length = 0;
  const t0 = process.hrtime.bigint();
  for (let k = 2000; k < 102_000; k++) tick(k);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / 100_000;
  await new Promise((res) => setTimeout(res, 50));
  obs.disconnect();
  console.log(
    `Recorded 2-party call tick (2× RTP parse + JB + DTMF + mix + 2× encode + record): ${us.toFixed(2)} µs/tick = ${((us * 50) / 1e4).toFixed(3)} % of a core per call; GCs during 100,000 ticks: ${gcs.length}`,
  );
}
