/**
 * The DSP components composed the way a media worker uses them, on one recorded 2-party call with
 * an impaired network: RTP packets (PCMU caller, PCMA agent) with loss, reordering, duplicates and
 * 0–30 ms jitter → jitter buffers → in-band DTMF on the caller → 2-party mixer → two-channel
 * recorder → WAV read back → tones and digits checked. Fake arrival times, no clocks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AudioCodec } from '../../../src/media/codecs/codec.js';
import { PCMA, PCMU } from '../../../src/media/codecs/g711.js';
import { Mixer } from '../../../src/media/dsp/mixer.js';
import type { DtmfDigitEvent } from '../../../src/media/dtmf/dtmf-types.js';
import { InbandDtmfDetector, ToneDetector } from '../../../src/media/dtmf/goertzel.js';
import { JitterBuffer } from '../../../src/media/jitter/jitter-buffer.js';
import { Recorder } from '../../../src/media/recorder/recorder.js';
import { createRtpHeader, readRtpHeader, writeRtpHeader } from '../../../src/media/rtp/rtp-packet.js';
import { RtpReceiverStats } from '../../../src/media/rtp/rtp-stats.js';
import { decodeWav } from '../../../src/media/wav/wav-reader.js';
import { MemorySink } from '../../../src/media/wav/wav-writer.js';
import { buildSignal, rng, type Segment } from './signal-util.js';

interface Arrival {
  at: number;
  pkt: Uint8Array;
}

/** Packetises `pcm` into 20 ms RTP packets and applies a seeded impairment. */
function send(
  pcm: Int16Array,
  codec: AudioCodec,
  ssrc: number,
  seed: number,
): { arrivals: Arrival[]; dropped: number; dups: number } {
  const r = rng(seed);
  const arrivals: Arrival[] = [];
  let dropped = 0;
  let dups = 0;
  for (let k = 0; k * 160 < pcm.length; k++) {
    const pkt = new Uint8Array(172);
    writeRtpHeader(pkt, {
      marker: k === 0,
      payloadType: codec.payloadType,
      sequence: (60000 + k) & 0xffff,
      timestamp: k * 160,
      ssrc,
    });
    codec.encodeTo(pcm.subarray(k * 160, k * 160 + 160), 160, pkt, 12);
    const x = r();
    if (x < 0.03 && k > 0) {
      dropped++;
      continue; // 3 % loss
    }
    const at = k * 20 + Math.floor(r() * 30) + (x > 0.95 ? 25 : 0); // jitter; 5 % arrive late enough to reorder
    arrivals.push({ at, pkt });
    if (x > 0.03 && x < 0.05) {
      arrivals.push({ at: at + 3, pkt }); // 2 % duplicated
      dups++;
    }
  }
  arrivals.sort((a, b) => a.at - b.at);
  return { arrivals, dropped, dups };
}

describe('DSP pipeline: one recorded call over an impaired network', () => {
  it('records both sides, detects the caller digits, and each side hears the other', () => {
    const callerSegs: Segment[] = [{ freq: 1000, ms: 2000, dbfs: -12 }, { silenceMs: 200 }];
    for (const d of '159#') callerSegs.push({ digit: d, ms: 100, dbfs: -10 }, { silenceMs: 100 });
    callerSegs.push({ silenceMs: 200 });
    const caller = buildSignal(callerSegs, -50, 1); // 3.2 s
    const agent = buildSignal([{ freq: 600, ms: 3200, dbfs: -12 }], -50, 2);
    const c = send(caller, PCMU, 0x1111, 11);
    const a = send(agent, PCMA, 0x2222, 12);
    assert.ok(c.dropped > 0 && a.dropped > 0, 'the impairment really drops packets');

    const jbC = new JitterBuffer({ codec: PCMU });
    const jbA = new JitterBuffer({ codec: PCMA });
    const statsC = new RtpReceiverStats(8000, 1);
    const digits: DtmfDigitEvent[] = [];
    const dtmf = new InbandDtmfDetector({ onDigit: (e) => digits.push(e) });
    const mix = new Mixer();
    mix.add('caller');
    mix.add('agent');
    const sink = new MemorySink();
    const rec = new Recorder({ sink });
    const hearsC = new ToneDetector(600); // what the caller hears
    const hearsA = new ToneDetector(1000); // what the agent hears
    const h = createRtpHeader();
    let ic = 0;
    let ia = 0;
    const ticks = 170; // 3.4 s
    for (let k = 0; k < ticks; k++) {
      const now = k * 20;
      for (; ic < c.arrivals.length && c.arrivals[ic]!.at <= now; ic++) {
        const p = c.arrivals[ic]!.pkt;
        assert.ok(readRtpHeader(p, p.length, h));
        statsC.update(h.sequence, h.timestamp, c.arrivals[ic]!.at);
        jbC.push(h.sequence, h.timestamp, h.ssrc, p, h.headerLength, h.payloadLength, c.arrivals[ic]!.at);
      }
      for (; ia < a.arrivals.length && a.arrivals[ia]!.at <= now; ia++) {
        const p = a.arrivals[ia]!.pkt;
        assert.ok(readRtpHeader(p, p.length, h));
        jbA.push(h.sequence, h.timestamp, h.ssrc, p, h.headerLength, h.payloadLength, a.arrivals[ia]!.at);
      }
      const cf = mix.input('caller');
      const af = mix.input('agent');
      jbC.pop(cf);
      jbA.pop(af);
      dtmf.process(cf);
      rec.writeTick(cf, af);
      mix.mix();
      hearsC.process(mix.output('caller'));
      hearsA.process(mix.output('agent'));
    }
    dtmf.flush();
    const result = rec.stop();

    // the network really was impaired, and the buffers saw it
    // RFC 3550 A.1/A.3 accounting: expected = highest − first received + 1 (the first packet to
    // arrive is the base, even if an earlier one arrives later); duplicates count as received
    const seen = c.arrivals.slice(0, ic).map((x) => (x.pkt[2]! << 8) | x.pkt[3]!);
    const ext = seen.map((q) => (q < 30000 ? q + 65536 : q)); // the stream wraps at 65535
    const span = Math.max(...ext) - ext[0]! + 1;
    assert.equal(statsC.expected, span);
    assert.equal(statsC.received, seen.length);
    assert.equal(statsC.lost, span - seen.length);
    assert.ok(c.dups > 0 || c.dropped > 0);
    assert.ok(jbC.stats.lost + jbC.stats.late >= c.dropped);
    assert.ok(jbC.stats.duplicates + jbC.stats.late >= c.dups); // a copy arriving after its playout is late
    // digits survive loss and jitter
    assert.equal(digits.map((d) => d.digit).join(''), '159#');
    // recording: caller left, agent right, tones with their durations (concealment keeps them whole)
    assert.equal(result.durationMs, ticks * 20);
    const { channels } = decodeWav(sink.contents());
    const seg = (x: Int16Array, f: number) => {
      const d = new ToneDetector(f, { mergeGapMs: 40 });
      d.process(x);
      return d.finish();
    };
    const left = seg(channels[0]!, 1000);
    assert.equal(left.length, 1);
    assert.ok(Math.abs(left[0]!.durationMs - 2000) <= 60, JSON.stringify(left));
    assert.ok(left[0]!.startMs >= 40 && left[0]!.startMs <= 120, 'shifted by the playout delay');
    const right = seg(channels[1]!, 600);
    assert.ok(right.length >= 1 && Math.abs(right[0]!.startMs - left[0]!.startMs) <= 40);
    assert.ok(right.reduce((s, x) => s + x.durationMs, 0) >= 3000);
    assert.deepEqual(seg(channels[0]!, 600), []);
    assert.deepEqual(seg(channels[1]!, 1000), []);
    // the mixer: each side hears the other
    assert.ok(hearsC.finish().reduce((s, x) => s + x.durationMs, 0) >= 3000);
    assert.ok(Math.abs(hearsA.finish().reduce((s, x) => s + x.durationMs, 0) - 2000) <= 60);
  });
});
