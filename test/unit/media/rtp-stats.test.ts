import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msToNtp, ntpMiddle, parseRtcp, serializeRtcp } from '../../../src/media/rtp/rtcp.js';
import { RtpReceiverStats, RtpSenderStats } from '../../../src/media/rtp/rtp-stats.js';

/** Feeds packets seq0.. with 20 ms spacing; `skip` seqs are lost. */
function feed(s: RtpReceiverStats, seqs: number[], t0 = 0): void {
  for (const seq of seqs) s.update(seq & 0xffff, ((seq * 160) >>> 0) + 1000, t0 + seq * 20);
}

describe('RtpReceiverStats (RFC 3550 A.1/A.3/A.8)', () => {
  it('needs two sequential packets before a new source is valid (probation)', () => {
    const s = new RtpReceiverStats();
    assert.equal(s.update(100, 0, 0), false);
    assert.equal(s.update(101, 160, 20), true);
    assert.equal(s.received, 1);
    assert.equal(s.baseSeq, 101);
    const trusting = new RtpReceiverStats(8000, 1);
    assert.equal(trusting.update(100, 0, 0), true);
    assert.equal(trusting.expected, 1);
  });

  it('counts expected, lost and fraction lost per interval', () => {
    const s = new RtpReceiverStats(8000, 1);
    const seqs: number[] = [];
    for (let i = 0; i < 100; i++) if (i % 10 !== 5) seqs.push(i); // 10 lost of 100
    feed(s, seqs);
    assert.equal(s.expected, 100);
    assert.equal(s.received, 90);
    assert.equal(s.lost, 10);
    const rb = s.makeReportBlock(2000);
    assert.equal(rb.fractionLost, Math.floor((10 * 256) / 100)); // 25
    assert.equal(rb.cumulativeLost, 10);
    assert.equal(rb.highestSeq, 99);
    // next interval without loss
    feed(
      s,
      Array.from({ length: 50 }, (_, i) => 100 + i),
    );
    const rb2 = s.makeReportBlock(3000);
    assert.equal(rb2.fractionLost, 0);
    assert.equal(rb2.cumulativeLost, 10);
    assert.equal(rb2.highestSeq, 149);
  });

  it('extends the highest sequence across the 65535 → 0 wrap', () => {
    const s = new RtpReceiverStats(8000, 1);
    feed(s, [65533, 65534, 65535, 65536, 65537, 65538]);
    assert.equal(s.cycles, 65536);
    assert.equal(s.extendedMax, 65536 + 2);
    assert.equal(s.expected, 6);
    assert.equal(s.lost, 0);
  });

  it('counts duplicates as received (lost can go negative) and keeps max on reorder', () => {
    const s = new RtpReceiverStats(8000, 1);
    feed(s, [1, 2, 4, 3, 4, 4]);
    assert.equal(s.maxSeq, 4);
    assert.equal(s.received, 6);
    assert.equal(s.expected, 4);
    assert.equal(s.lost, -2);
    assert.equal(s.makeReportBlock(0).fractionLost, 0);
  });

  it('rejects a single wild jump, re-syncs after two sequential packets past it', () => {
    const s = new RtpReceiverStats(8000, 1);
    feed(s, [10, 11, 12]);
    assert.equal(s.update(30000, 0, 100), false);
    assert.equal(s.rejected, 1);
    assert.equal(s.maxSeq, 12);
    assert.equal(s.update(30001, 160, 120), true); // == badSeq: source restarted
    assert.equal(s.baseSeq, 30001);
    assert.equal(s.received, 1);
  });

  it('jitter: zero for perfectly paced packets, J += (|D| − J)/16 otherwise', () => {
    const paced = new RtpReceiverStats(8000, 1);
    feed(
      paced,
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.equal(paced.jitter, 0);

    const s = new RtpReceiverStats(8000, 1);
    s.update(0, 0, 0);
    s.update(1, 160, 30); // 10 ms late → D = 80 units
    assert.equal(s.jitter, 5);
    // alternating 0 / +10 ms converges to |D| = 80 units = 10 ms
    for (let i = 2; i < 400; i++) s.update(i, i * 160, i * 20 + (i % 2) * 10);
    assert.ok(Math.abs(s.jitter - 80) < 0.5, String(s.jitter));
    assert.ok(Math.abs(s.jitterMs - 10) < 0.1);
    assert.equal(s.makeReportBlock(0).jitter, Math.floor(s.jitter));
  });

  it('jitter handles RTP timestamp wrap at 2^32', () => {
    const s = new RtpReceiverStats(8000, 1);
    for (let i = 0; i < 20; i++) s.update(i, (0xffffff00 + i * 160) >>> 0, i * 20);
    assert.equal(s.jitter, 0);
  });

  it('fills LSR/DLSR from the last SR received', () => {
    const s = new RtpReceiverStats(8000, 1);
    s.ssrc = 0xabcdef01;
    feed(s, [1, 2, 3]);
    const ntp = msToNtp(1_700_000_000_000);
    s.onSenderReport(ntp.sec, ntp.frac, 5000);
    const rb = s.makeReportBlock(5500);
    assert.equal(rb.ssrc, 0xabcdef01);
    assert.equal(rb.lsr, ntpMiddle(ntp.sec, ntp.frac));
    assert.equal(rb.dlsr, 32768); // 0.5 s
    // and the block survives an RR round trip
    const bytes = serializeRtcp([{ type: 'rr', ssrc: 7, reports: [rb] }]);
    assert.deepEqual(parseRtcp(bytes, bytes.length), [{ type: 'rr', ssrc: 7, reports: [rb] }]);
  });
});

describe('RtpSenderStats', () => {
  it('counts packets/octets and extrapolates the SR RTP timestamp', () => {
    const s = new RtpSenderStats();
    for (let i = 0; i < 50; i++) s.onSent(160, i * 160, i * 20);
    const si = s.senderInfo(1_000_000, 49 * 20 + 10);
    assert.equal(si.packetCount, 50);
    assert.equal(si.octetCount, 8000);
    assert.equal(si.rtpTimestamp, 49 * 160 + 80);
    assert.equal(si.ntpSec, 2208988800 + 1000);
  });
});
