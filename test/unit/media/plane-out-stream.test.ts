import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutStream } from '../../../src/media/endpoint/out-stream.js';
import { ReceiverStats } from '../../../src/media/endpoint/receiver-stats.js';

describe('OutStream (outgoing SSRC/seq/ts continuity)', () => {
  it('offsets a relayed stream so our numbering continues, and marks the first packet', () => {
    const o = new OutStream(0x1234, 100, 1000);
    assert.equal(o.mapRelayed(7, 5000, 90_000, 0), true);
    assert.equal(o.seq, 101);
    assert.equal(o.ts, 1160);
    assert.equal(o.mapRelayed(7, 5001, 90_160, 20), false);
    assert.equal(o.seq, 102);
    assert.equal(o.ts, 1320);
    // loss in the input shows as the same gap in the output (not renumbered)
    o.mapRelayed(7, 5004, 90_640, 80);
    assert.equal(o.seq, 105);
    assert.equal(o.ts, 1800);
  });

  it('continues after a source change (transfer) with seq + 1 and a timestamp advanced by the gap', () => {
    const o = new OutStream(1, 65_534, 0xfffffff0);
    o.mapRelayed(1, 10, 10, 0);
    assert.equal(o.seq, 65_535);
    o.mapRelayed(1, 11, 170, 20);
    assert.equal(o.seq, 0, 'sequence wraps');
    const tsBefore = o.ts;
    assert.equal(o.mapRelayed(2, 40_000, 123, 1020), true);
    assert.equal(o.seq, 1);
    assert.equal((o.ts - tsBefore) >>> 0, 8000, '1 s gap → 8000 timestamp units');
  });

  it('reordered relayed packets keep their own numbers but never move the stream backwards', () => {
    const o = new OutStream(1, 0, 0);
    o.mapRelayed(3, 100, 0, 0);
    o.mapRelayed(3, 102, 320, 40);
    o.mapRelayed(3, 101, 160, 41);
    assert.equal(o.seq, 2, 'the late packet gets its own number');
    o.nextGenerated(160, 60);
    assert.equal(o.seq, 4, 'generated frames continue after the newest, not the late one');
  });

  it('generated frames step seq by 1 and ts by the frame size', () => {
    const o = new OutStream(9, 10, 1000);
    assert.equal(o.nextGenerated(160, 0), true);
    const s = o.seq;
    const t = o.ts;
    assert.equal(o.nextGenerated(160, 20), false);
    assert.equal(o.seq, s + 1);
    assert.equal(o.ts, t + 160);
  });
});

describe('ReceiverStats (RFC 3550 A.1/A.3/A.8)', () => {
  it('counts loss across sequence wrap and reports the RR fraction', () => {
    const r = new ReceiverStats();
    let t = 0;
    for (let i = 0; i < 100; i++) {
      const seq = (65_500 + i) & 0xffff;
      if (i % 10 === 5) continue; // 10 % loss
      r.update(seq, i * 160, t);
      t = (i + 1) * 20;
    }
    assert.equal(r.expected, 100);
    assert.equal(r.lost, 10);
    assert.equal(r.takeFractionLost(), Math.floor((10 * 256) / 100));
    assert.equal(r.takeFractionLost(), 0, 'nothing new since the last report');
    assert.ok(r.extendedMaxSeq > 65_535);
  });

  it('jitter is 0 for perfectly paced packets and grows with arrival variation', () => {
    const even = new ReceiverStats();
    const jittery = new ReceiverStats();
    for (let i = 0; i < 200; i++) {
      even.update(i, i * 160, i * 20);
      jittery.update(i, i * 160, i * 20 + (i % 2 === 0 ? 0 : 8));
    }
    assert.equal(even.jitterMs, 0);
    assert.ok(jittery.jitterMs > 5 && jittery.jitterMs < 9, `jitter ${jittery.jitterMs}`);
  });
});
