import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { DtmfDigitEvent, TelephoneEvent } from '../../../src/media/dtmf/dtmf-types.js';
import {
  decodeTelephoneEvent,
  encodeTelephoneEvent,
  Rfc4733Receiver,
  Rfc4733Sender,
} from '../../../src/media/dtmf/rfc4733.js';
import { createRtpHeader, readRtpHeader, writeRtpHeader } from '../../../src/media/rtp/rtp-packet.js';
import { udpPayloadsFromPcap } from './pcap-util.js';

const FIX = new URL('../../fixtures/rtp/', import.meta.url).pathname;

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function receiver() {
  const got: DtmfDigitEvent[] = [];
  const starts: string[] = [];
  const rx = new Rfc4733Receiver({ onDigit: (e) => got.push(e), onDigitStart: (d) => starts.push(d) });
  const h = createRtpHeader();
  const feed = (pkt: Uint8Array, at = 0) => {
    assert.equal(readRtpHeader(pkt, pkt.length, h), true);
    return rx.push(h.timestamp, pkt, h.headerLength, h.payloadLength, at);
  };
  return { rx, got, starts, feed };
}

describe('telephone-event payload', () => {
  it('decodes and re-encodes every SIPp capture payload to the same bytes', () => {
    for (const file of ['dtmf_2833_1.pcap', 'dtmf_2833_pound.pcap']) {
      for (const p of udpPayloadsFromPcap(FIX + file)) {
        const ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
        assert.equal(decodeTelephoneEvent(p, 12, 4, ev), true);
        assert.equal(ev.volume, 10);
        const out = new Uint8Array(4);
        assert.equal(encodeTelephoneEvent(out, 0, ev), 4);
        assert.deepEqual(out, p.subarray(12));
      }
    }
  });

  it('rejects short payloads and out-of-bounds offsets without throwing', () => {
    const ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
    assert.equal(decodeTelephoneEvent(hex('01 8a 00'), 0, 3, ev), false);
    assert.equal(decodeTelephoneEvent(hex('01 8a 00 a0'), 2, 4, ev), false);
    assert.equal(encodeTelephoneEvent(new Uint8Array(3), 0, ev), 0);
  });
});

describe('Rfc4733Receiver', () => {
  it('reports SIPp digit 1 once with its duration (280 ms), ignoring the 3 end copies', () => {
    const { rx, got, starts, feed } = receiver();
    for (const p of udpPayloadsFromPcap(FIX + 'dtmf_2833_1.pcap')) assert.equal(feed(p), true);
    assert.deepEqual(got, [{ digit: '1', durationMs: 280, source: 'rfc4733' }]);
    assert.deepEqual(starts, ['1']);
    assert.equal(rx.duplicates, 2);
  });

  it('reports baresip digits 1, 5, # once each with 280 ms (17 packets per digit, interleaved seq)', () => {
    const { rx, got, starts, feed } = receiver();
    const lines = readFileSync(FIX + 'baresip-dtmf-1-5-hash.hex', 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 51);
    const h = createRtpHeader();
    for (const line of lines) {
      const p = hex(line);
      assert.equal(readRtpHeader(p, p.length, h), true);
      assert.equal(h.payloadType, 101);
      // byte-exact: header rewritten from the parsed fields + re-encoded event = the captured packet
      const ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
      assert.equal(decodeTelephoneEvent(p, 12, 4, ev), true);
      const again = new Uint8Array(16);
      writeRtpHeader(again, h);
      encodeTelephoneEvent(again, 12, ev);
      assert.deepEqual(again, p);
      feed(p);
    }
    assert.deepEqual(got, [
      { digit: '1', durationMs: 280, source: 'rfc4733' },
      { digit: '5', durationMs: 280, source: 'rfc4733' },
      { digit: '#', durationMs: 280, source: 'rfc4733' },
    ]);
    assert.deepEqual(starts, ['1', '5', '#']);
    assert.equal(rx.duplicates, 6);
  });

  it('reports SIPp # correctly', () => {
    const { got, feed } = receiver();
    for (const p of udpPayloadsFromPcap(FIX + 'dtmf_2833_pound.pcap')) feed(p);
    assert.deepEqual(
      got.map((e) => e.digit),
      ['#'],
    );
  });

  it('reports an event whose end packets were lost when the next event starts', () => {
    const { got, feed } = receiver();
    const tx = new Rfc4733Sender({ payloadType: 101, ssrc: 1 });
    const a = tx.packetsFor('4', 100, 1000, 1);
    const b = tx.packetsFor('2', 60, 3000, 20);
    for (const p of a.slice(0, 3)) feed(p); // updates only, no end
    assert.equal(got.length, 0);
    for (const p of b) feed(p);
    assert.deepEqual(
      got.map((e) => [e.digit, e.durationMs]),
      [
        ['4', 60],
        ['2', 60],
      ],
    );
  });

  it('poll() reports a stuck event after endTimeoutMs, and only once', () => {
    const got: DtmfDigitEvent[] = [];
    const rx = new Rfc4733Receiver({ onDigit: (e) => got.push(e), endTimeoutMs: 500 });
    rx.push(5000, hex('09 0a 00a0'), 0, 4, 100);
    rx.poll(599);
    assert.equal(got.length, 0);
    rx.poll(600);
    rx.poll(2000);
    assert.deepEqual(got, [{ digit: '9', durationMs: 20, source: 'rfc4733' }]);
    rx.push(5000, hex('09 8a 0140'), 0, 4, 700); // late end packet of the same event: ignored
    assert.equal(got.length, 1);
  });

  it('ignores a reordered packet of an older event and counts malformed/non-DTMF payloads', () => {
    const got: DtmfDigitEvent[] = [];
    const rx = new Rfc4733Receiver({ onDigit: (e) => got.push(e) });
    assert.equal(rx.push(8000, hex('03 8a 0320'), 0, 4), true); // '3' ends at once
    assert.equal(rx.push(7000, hex('02 8a 0320'), 0, 4), true); // older timestamp
    assert.equal(rx.push(9000, hex('02 8a'), 0, 2), false);
    assert.equal(rx.push(9000, hex('10 8a 0320'), 0, 4), false); // event 16 = flash
    assert.deepEqual(
      got.map((e) => e.digit),
      ['3'],
    );
    assert.equal(rx.invalid, 2);
    assert.equal(rx.duplicates, 1);
  });

  it('handles timestamps across the 2^32 wrap', () => {
    const got: DtmfDigitEvent[] = [];
    const rx = new Rfc4733Receiver({ onDigit: (e) => got.push(e) });
    rx.push(0xffffff00, hex('01 8a 0320'), 0, 4);
    rx.push(0x00000100, hex('02 8a 0320'), 0, 4); // newer despite the smaller number
    assert.deepEqual(
      got.map((e) => e.digit),
      ['1', '2'],
    );
  });
});

describe('Rfc4733Sender', () => {
  it('produces marker, growing durations and three end packets with the same timestamp', () => {
    const tx = new Rfc4733Sender({ payloadType: 101, ssrc: 0x0e05384e });
    const pkts = tx.packetsFor('5', 100, 1000, 10);
    assert.equal(pkts.length, 7);
    assert.deepEqual(
      pkts[0],
      hex('80 e5 000a 000003e8 0e05384e  05 0a 00a0'), // M=1 PT=101, event 5, vol 10, 160
    );
    assert.deepEqual(pkts[6], hex('80 65 0010 000003e8 0e05384e  05 8a 0320'));
    const h = createRtpHeader();
    const ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
    const rows = pkts.map((p) => {
      readRtpHeader(p, p.length, h);
      decodeTelephoneEvent(p, 12, 4, ev);
      return [h.sequence, h.timestamp, h.marker, ev.duration, ev.end];
    });
    assert.deepEqual(rows, [
      [10, 1000, true, 160, false],
      [11, 1000, false, 320, false],
      [12, 1000, false, 480, false],
      [13, 1000, false, 640, false],
      [14, 1000, false, 800, true],
      [15, 1000, false, 800, true],
      [16, 1000, false, 800, true],
    ]);
    assert.equal(tx.durationUnits, 800);
    assert.equal(tx.active, false);
  });

  it('round-trips every key through the receiver with its duration', () => {
    const { got, feed } = receiver();
    const tx = new Rfc4733Sender({ payloadType: 96, ssrc: 7 });
    let ts = 0;
    let seq = 65530; // crosses the sequence wrap
    for (const d of '0123456789*#ABCD') {
      for (const p of tx.packetsFor(d, 120, ts, seq)) {
        feed(p);
        seq = (seq + 1) & 0xffff;
      }
      ts += 2000;
    }
    assert.equal(got.map((e) => e.digit).join(''), '0123456789*#ABCD');
    assert.ok(got.every((e) => e.durationMs === 120));
  });

  it('a 10 s press is sent in two segments (0xffff + rest) and received as one 10 s digit', () => {
    const tx = new Rfc4733Sender({ payloadType: 101, ssrc: 9 });
    const pkts = tx.packetsFor('0', 10_000, 1000, 0);
    assert.equal(tx.durationUnits, 80_000);
    const h = createRtpHeader();
    const ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
    const rows = pkts.map((p) => {
      readRtpHeader(p, p.length, h);
      decodeTelephoneEvent(p, 12, 4, ev);
      return { ts: h.timestamp, m: h.marker, d: ev.duration, e: ev.end };
    });
    const seg1 = rows.filter((r) => r.ts === 1000);
    const seg2 = rows.filter((r) => r.ts === 1000 + 0xffff);
    assert.equal(seg1.length + seg2.length, rows.length);
    assert.deepEqual(seg1.at(-1), { ts: 1000, m: false, d: 0xffff, e: false }); // segment end: no E bit
    assert.equal(seg1.filter((r) => r.m).length, 1);
    assert.ok(seg2.every((r) => !r.m));
    assert.deepEqual(seg2.at(-1), { ts: 1000 + 0xffff, m: false, d: 80_000 - 0xffff, e: true });
    assert.equal(seg2.filter((r) => r.e).length, 3);
    const { got, feed } = receiver();
    for (const p of pkts) feed(p);
    assert.deepEqual(got, [{ digit: '0', durationMs: 10_000, source: 'rfc4733' }]);
  });

  it('refuses non-DTMF characters and writes nothing when idle', () => {
    const tx = new Rfc4733Sender({ payloadType: 101, ssrc: 1 });
    assert.equal(tx.start('X', 100, 0), false);
    assert.equal(tx.start('12', 100, 0), false);
    assert.deepEqual(tx.packetsFor('?', 100, 0, 0), []);
    assert.equal(tx.writeNext(new Uint8Array(16), 0), 0);
  });
});
