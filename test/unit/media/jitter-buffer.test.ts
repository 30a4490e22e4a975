import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PCMU, ULAW_DECODE, ULAW_ENCODE } from '../../../src/media/codecs/g711.js';
import { JB_CONCEALED, JB_FRAME, JB_SILENCE, JitterBuffer } from '../../../src/media/jitter/jitter-buffer.js';
import { rng } from './signal-util.js';

interface Pkt {
  seq: number;
  ts?: number;
  at: number; // arrival ms
  ssrc?: number;
  id?: number; // frame identity 0..126 (payload code 0x80 + id)
  bytes?: number;
}

/** Payload whose every byte is µ-law code 0x80+id, so the decoded frame names its packet. */
function payload(id: number, bytes = 160): Uint8Array {
  return new Uint8Array(bytes).fill(0x80 + (id % 127));
}

/** Reads the id from the last sample (the first few ms after a loss are cross-faded by the PLC). */
function idOf(frame: Int16Array): number {
  return (ULAW_ENCODE[frame[159]! & 0xffff]! - 0x80) as number;
}

/**
 * Runs `ticks` 20 ms ticks; at tick k (time 20k ms) pushes every packet with at ≤ 20k (in list order),
 * then pops one frame. Returns the played ids, 'C' (concealed) or 'S' (silence).
 */
function run(jb: JitterBuffer, pkts: Pkt[], ticks: number): Array<number | string> {
  const out = new Int16Array(160);
  const played: Array<number | string> = [];
  let i = 0;
  const sorted = [...pkts].sort((a, b) => a.at - b.at);
  for (let k = 0; k < ticks; k++) {
    while (i < sorted.length && sorted[i]!.at <= k * 20) {
      const p = sorted[i++]!;
      const pl = payload(p.id ?? p.seq, p.bytes);
      jb.push(p.seq, p.ts ?? p.seq * 160, p.ssrc ?? 1, pl, 0, pl.length, p.at);
    }
    const st = jb.pop(out);
    played.push(st === JB_FRAME ? idOf(out) : st === JB_CONCEALED ? 'C' : 'S');
  }
  return played;
}

function stream(n: number, opts: { first?: number; t0?: number; ssrc?: number } = {}): Pkt[] {
  const first = opts.first ?? 0;
  return Array.from({ length: n }, (_, i) => ({
    seq: (first + i) & 0xffff,
    ts: (first + i) * 160,
    at: (opts.t0 ?? 0) + i * 20,
    ssrc: opts.ssrc ?? 1,
    id: i,
  }));
}

const seqIds = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('JitterBuffer', () => {
  it('plays an in-order stream after the minimum delay, without loss', () => {
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, stream(20), 22);
    assert.deepEqual(played, ['S', 'S', ...seqIds(0, 20)]);
    assert.equal(jb.stats.lost, 0);
    assert.equal(jb.stats.pushed, 20);
  });

  it('puts reordered packets back in order', () => {
    const pkts = stream(10);
    pkts[4]!.at = 101; // 4 arrives after 5, both before 4's playout (tick 6 = 120 ms)
    pkts[5]!.at = 99;
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    assert.deepEqual(run(jb, pkts, 12), ['S', 'S', ...seqIds(0, 10)]);
    assert.equal(jb.stats.reordered, 1);
    assert.equal(jb.stats.lost, 0);
  });

  it('conceals a lost packet (PLC continues the signal at full level for 10 ms), then resumes', () => {
    const pkts = stream(10).filter((p) => p.seq !== 5);
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const out = new Int16Array(160);
    const played: Array<number | string> = [];
    let i = 0;
    let concealedSample = 0;
    for (let k = 0; k < 12; k++) {
      while (i < pkts.length && pkts[i]!.at <= k * 20) {
        const p = pkts[i++]!;
        jb.push(p.seq, p.ts!, 1, payload(p.id!), 0, 160, p.at);
      }
      const st = jb.pop(out);
      if (st === JB_CONCEALED) concealedSample = out[0]!;
      played.push(st === JB_FRAME ? idOf(out) : st === JB_CONCEALED ? 'C' : 'S');
    }
    assert.deepEqual(played, ['S', 'S', 0, 1, 2, 3, 4, 'C', 6, 7, 8, 9]);
    assert.equal(concealedSample, ULAW_DECODE[0x84]); // frame 4's level, continued
    assert.equal(jb.stats.lost, 1);
    assert.equal(jb.stats.concealed, 1);
  });

  it('fades a long loss to silence after 60 ms (three concealed frames)', () => {
    const pkts = stream(20).filter((p) => p.seq < 5 || p.seq > 12);
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, pkts, 22);
    assert.deepEqual(played, [
      'S',
      'S',
      0,
      1,
      2,
      3,
      4,
      'C',
      'C',
      'C',
      'S',
      'S',
      'S',
      'S',
      'S',
      ...seqIds(13, 20),
    ]);
    assert.equal(jb.stats.lost, 8);
  });

  it('drops duplicates and counts them', () => {
    const pkts = stream(8);
    pkts.push({ seq: 3, at: 65, id: 3 }, { seq: 3, at: 66, id: 3 });
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    assert.deepEqual(run(jb, pkts, 10), ['S', 'S', ...seqIds(0, 8)]);
    assert.equal(jb.stats.duplicates, 2);
  });

  it('drops a packet arriving after its playout time as late (it was concealed)', () => {
    const pkts = stream(10);
    pkts[3]!.at = 200; // played (concealed) at tick 5 = 100 ms
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    assert.deepEqual(run(jb, pkts, 12), ['S', 'S', 0, 1, 2, 'C', 4, 5, 6, 7, 8, 9]);
    assert.equal(jb.stats.late, 1);
    assert.equal(jb.stats.lost, 1);
  });

  it('plays across the sequence wrap 65535 → 0 without loss', () => {
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, stream(30, { first: 65520 }), 32);
    assert.deepEqual(played, ['S', 'S', ...seqIds(0, 30)]);
    assert.equal(jb.stats.lost + jb.stats.late + jb.stats.jumps + jb.stats.resets, 0);
  });

  it('restarts on an SSRC change and plays the new stream', () => {
    const a = stream(10, { first: 100, ssrc: 1 });
    const b = stream(10, { first: 40000, ssrc: 2, t0: 200 }).map((p) => ({ ...p, id: 50 + p.id! }));
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, [...a, ...b], 24);
    // the old stream's unplayed tail (8, 9: the 40 ms target) is dropped at the restart;
    // the end of the new stream fades out by concealment
    assert.deepEqual(played, ['S', 'S', ...seqIds(0, 8), 'S', 'S', ...seqIds(50, 60), 'C', 'C']);
    assert.equal(jb.stats.resets, 1);
  });

  it('ignores one wild sequence number; restarts when two sequential ones confirm the jump', () => {
    const pkts = stream(6);
    pkts.push({ seq: 30000, at: 61, id: 99 }); // single wild packet: dropped
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    assert.deepEqual(run(jb, pkts, 8), ['S', 'S', 0, 1, 2, 3, 4, 5]);
    assert.equal(jb.stats.jumps, 1);
    const jb2 = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const restart = [
      ...stream(4),
      ...stream(6, { first: 20000, t0: 80 }).map((p) => ({ ...p, id: 60 + p.id! })),
    ];
    const played = run(jb2, restart, 14);
    assert.equal(jb2.stats.resets, 1);
    assert.deepEqual(played.slice(0, 5), ['S', 'S', 0, 1, 2]); // 3 was unplayed at the restart
    assert.deepEqual(
      played.filter((x) => typeof x === 'number' && x >= 60),
      seqIds(61, 66),
    ); // 60 was the probe
  });

  it('a timestamp jump with contiguous sequence numbers keeps playing and does not inflate the delay', () => {
    const pkts = stream(20).map((p) => (p.seq >= 10 ? { ...p, ts: p.ts! + 8000 * 3600 } : p));
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    assert.deepEqual(run(jb, pkts, 22), ['S', 'S', ...seqIds(0, 20)]);
    assert.equal(jb.stats.tsJumps, 1);
    assert.equal(jb.targetDelayMs, 40);
  });

  it('adapts: jittery arrivals (0–60 ms) raise the target, loss stays small, and it shrinks back when calm', () => {
    const r = rng(11);
    const pkts: Pkt[] = [];
    for (let i = 0; i < 500; i++) pkts.push({ seq: i, at: i * 20 + Math.floor(r() * 60), id: i });
    for (let i = 500; i < 1500; i++) pkts.push({ seq: i, at: i * 20, id: i });
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40, maxDelayMs: 200 });
    const out = new Int16Array(160);
    const sorted = [...pkts].sort((a, b) => a.at - b.at);
    let i = 0;
    let lostAt500 = 0;
    let targetAt500 = 0;
    for (let k = 0; k < 1510; k++) {
      while (i < sorted.length && sorted[i]!.at <= k * 20) {
        const p = sorted[i++]!;
        jb.push(p.seq, p.seq * 160, 1, payload(p.id!), 0, 160, p.at);
      }
      jb.pop(out);
      if (k === 500) {
        lostAt500 = jb.stats.lost + jb.stats.late;
        targetAt500 = jb.targetDelayMs;
      }
    }
    assert.ok(targetAt500 >= 60 && targetAt500 <= 100, `target ${targetAt500}`);
    assert.ok(lostAt500 <= 10, `lost+late ${lostAt500} of 500`); // only while adapting
    assert.equal(jb.targetDelayMs, 40, 'decays back to the minimum after 20 s of calm');
    assert.ok(jb.stats.shrinks > 0);
    assert.ok(jb.stats.depthFrames <= 3, `depth ${jb.stats.depthFrames}`);
  });

  it('stalls through a 200 ms delay spike without losing packets and raises the target', () => {
    const pkts = stream(60).map((p) => (p.seq >= 20 && p.seq < 30 ? { ...p, at: 600 } : p));
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, pkts, 75);
    assert.equal(jb.stats.lost, 0);
    assert.equal(jb.stats.late, 0);
    assert.ok(jb.stats.underflows > 0);
    const nums = played.filter((x) => typeof x === 'number');
    assert.ok(nums.length >= 55, `played ${nums.length}`);
    assert.deepEqual(nums, seqIds(0, nums.length)); // every packet, in order, no gap
    assert.equal(jb.targetDelayMs, 200); // the spike is remembered (decays over seconds)
  });

  it('after silence suppression, a new jittery talkspurt waits the target delay (rebuffer) and loses nothing', () => {
    const r = rng(5);
    const pkts: Pkt[] = [];
    for (let i = 0; i < 25; i++) pkts.push({ seq: i, ts: i * 160, at: i * 20, id: i });
    // 500 ms of silence: no packets, sequence numbers continue, the timestamp jumps 25 frames
    for (let i = 25; i < 60; i++) {
      pkts.push({ seq: i, ts: (i + 25) * 160, at: (i + 25) * 20 + Math.floor(r() * 36), id: i });
    }
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, pkts, 90);
    const nums = played.filter((x) => typeof x === 'number');
    assert.deepEqual(nums, seqIds(0, 60));
    assert.equal(jb.stats.lost + jb.stats.late, 0);
    assert.equal(jb.stats.rebuffers, 1);
    // talkspurt 2 plays without a single stall once started
    const start2 = played.indexOf(25);
    assert.ok(played.slice(start2, start2 + 35).every((x) => typeof x === 'number'));
  });

  it('shrinks by dropping quiet packets (speech pauses), never the loud ones while quiet ones come', () => {
    // a 300 ms spike, then the delay is too high; every 5th packet is silence (µ-law 0xff)
    const pkts: Pkt[] = [];
    for (let i = 0; i < 300; i++) pkts.push({ seq: i, at: i < 20 ? i * 20 : Math.max(i * 20, 700), id: i });
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const out = new Int16Array(160);
    const sorted = [...pkts].sort((a, b) => a.at - b.at);
    let i = 0;
    const played: number[] = [];
    for (let k = 0; k < 320; k++) {
      while (i < sorted.length && sorted[i]!.at <= k * 20) {
        const p = sorted[i++]!;
        const pl = p.seq % 5 === 4 ? new Uint8Array(160).fill(0xff) : payload(p.id!);
        jb.push(p.seq, p.seq * 160, 1, pl, 0, 160, p.at);
      }
      if (jb.pop(out) === JB_FRAME && out[159] !== 0) played.push(idOf(out));
    }
    assert.ok(jb.stats.shrinks >= 3, `shrinks ${jb.stats.shrinks}`);
    assert.equal(played.length, 240, 'all 240 loud packets were played; only silent ones were dropped');
    assert.equal(jb.stats.lost + jb.stats.late, 0);
  });

  it('accepts 30 ms packets and streams them into 20 ms frames', () => {
    const pkts: Pkt[] = Array.from({ length: 20 }, (_, i) => ({
      seq: i,
      ts: i * 240,
      at: i * 30,
      id: i,
      bytes: 240,
    }));
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, pkts, 30);
    assert.equal(jb.stats.lost, 0);
    // 20 packets × 30 ms = 600 ms = 30 frames of 20 ms, minus the 2 start-up ticks and a stall or two
    assert.ok(played.filter((x) => typeof x === 'number').length >= 25);
  });

  it('never throws on garbage: bad lengths and offsets are counted as invalid', () => {
    const jb = new JitterBuffer({ codec: PCMU });
    const b = new Uint8Array(10);
    assert.equal(jb.push(1, 0, 1, b, 0, 0, 0), false);
    assert.equal(jb.push(1, 0, 1, b, 5, 10, 0), false);
    assert.equal(jb.push(1, 0, 1, b, -1, 4, 0), false);
    assert.equal(jb.push(1, 0, 1, new Uint8Array(2000), 0, 2000, 0), false);
    assert.equal(jb.push(Number.NaN, Number.NaN, Number.NaN, b, 0, 10, Number.NaN), true);
    assert.equal(jb.stats.invalid, 4);
    const out = new Int16Array(160);
    for (let k = 0; k < 5; k++) assert.ok([JB_FRAME, JB_CONCEALED, JB_SILENCE].includes(jb.pop(out)));
  });

  it('a NaN arrival time keeps the estimate finite and the stream playing', () => {
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const pkts = stream(10).map((p) => (p.seq === 0 || p.seq === 5 ? { ...p, at: Number.NaN } : p));
    const out = new Int16Array(160);
    let frames = 0;
    for (let k = 0; k < 12; k++) {
      for (const p of pkts) if (p.seq === k) jb.push(p.seq, p.ts!, 1, payload(p.id!), 0, 160, p.at);
      if (jb.pop(out) === JB_FRAME) frames++;
    }
    assert.ok(Number.isFinite(jb.targetDelayMs) && Number.isFinite(jb.stats.jitterMs));
    assert.equal(frames, 10);
  });

  it('a stale duplicate arriving while rebuffering is late, not replayed', () => {
    const pkts: Pkt[] = [...stream(10), { seq: 3, at: 400, id: 3 }];
    for (let i = 10; i < 20; i++) pkts.push({ seq: i, ts: (i + 30) * 160, at: 800 + (i - 10) * 20, id: i });
    const jb = new JitterBuffer({ codec: PCMU, minDelayMs: 40 });
    const played = run(jb, pkts, 60);
    assert.deepEqual(
      played.filter((x) => typeof x === 'number'),
      seqIds(0, 20),
    );
    assert.equal(jb.stats.late, 1);
    assert.equal(jb.stats.rebuffers, 2); // after each talkspurt
  });

  it('returns silence before the first packet', () => {
    const jb = new JitterBuffer({ codec: PCMU });
    const out = new Int16Array(160).fill(7);
    assert.equal(jb.pop(out), JB_SILENCE);
    assert.ok(out.every((v) => v === 0));
  });
});
