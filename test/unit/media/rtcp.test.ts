import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  isRtcp,
  msToNtp,
  ntpMiddle,
  parseRtcp,
  type RtcpPacket,
  roundTripMs,
  serializeRtcp,
} from '../../../src/media/rtp/rtcp.js';

const FIX = new URL('../../fixtures/rtcp/', import.meta.url).pathname;

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

describe('parseRtcp() / serializeRtcp() on a real compound packet (Pion dump)', () => {
  const bin = new Uint8Array(readFileSync(FIX + 'pion-real-compound.bin'));

  it('reads RR, SDES CNAME, BYE and keeps PLI, RRR and APP opaque', () => {
    const pkts = parseRtcp(bin, bin.length);
    assert.ok(pkts);
    assert.equal(pkts.length, 6);
    assert.deepEqual(pkts[0], {
      type: 'rr',
      ssrc: 0x902f9e2e,
      reports: [
        {
          ssrc: 0xbc5e9a40,
          fractionLost: 0,
          cumulativeLost: 0,
          highestSeq: 0x46e1,
          jitter: 273,
          lsr: 0x9f36432,
          dlsr: 150137,
        },
      ],
    });
    assert.deepEqual(pkts[1], {
      type: 'sdes',
      chunks: [{ ssrc: 0x902f9e2e, items: [{ type: 1, text: '{9c00eb92-1afb-9d49-a47d-91f64eee69f5}' }] }],
    });
    assert.deepEqual(pkts[2], { type: 'bye', ssrcs: [0x902f9e2e] });
    assert.deepEqual(
      pkts.slice(3).map((p) => (p.type === 'other' ? [p.packetType, p.count, p.body.length] : p.type)),
      [
        [206, 1, 8],
        [205, 5, 8],
        [204, 0, 12],
      ],
    );
  });

  it('re-serializes to the same 132 bytes', () => {
    const pkts = parseRtcp(bin, bin.length)!;
    assert.deepEqual(serializeRtcp(pkts), bin);
  });

  it('parses only the first len bytes of a pooled buffer', () => {
    const pool = new Uint8Array(1500);
    pool.set(bin);
    assert.equal(parseRtcp(pool, 32)!.length, 1); // just the RR
  });
});

describe('parseRtcp() / serializeRtcp() on baresip captures', () => {
  const load = (f: string) => new Uint8Array(readFileSync(FIX + f));
  const CNAME = {
    type: 'sdes',
    chunks: [{ ssrc: 0x32d02ddd, items: [{ type: 1, text: 'sip:cap@127.0.0.1' }] }],
  };

  it('reads both SR + SDES compounds (sender info, report block, CNAME) and re-serializes them', () => {
    const a = load('baresip-sr-sdes-1.bin');
    const b = load('baresip-sr-sdes-2.bin');
    const pa = parseRtcp(a, a.length)!;
    const pb = parseRtcp(b, b.length)!;
    assert.deepEqual(pa, [
      {
        type: 'sr',
        ssrc: 0x32d02ddd,
        sender: {
          ntpSec: 0xeeaee165,
          ntpFrac: 0x8745069a,
          rtpTimestamp: 63256,
          packetCount: 250,
          octetCount: 40000,
        },
        reports: [
          {
            ssrc: 0x32d02ddd,
            fractionLost: 0,
            cumulativeLost: 0,
            highestSeq: 20249,
            jitter: 10,
            lsr: 0,
            dlsr: 0,
          },
        ],
      },
      CNAME,
    ]);
    // 5 s later: 250 more 20 ms packets of 160 bytes, and 40,000 more timestamp units (5 s at 8 kHz)
    const sa = pa[0]!.type === 'sr' ? pa[0]!.sender : null;
    const sb = pb[0]!.type === 'sr' ? pb[0]!.sender : null;
    assert.equal(sb!.packetCount - sa!.packetCount, 250);
    assert.equal(sb!.octetCount - sa!.octetCount, 40000);
    assert.equal(sb!.rtpTimestamp - sa!.rtpTimestamp, 40024); // baresip samples the timestamp at send time
    assert.equal(sb!.ntpSec - sa!.ntpSec, 5);
    assert.deepEqual(serializeRtcp(pa), a);
    assert.deepEqual(serializeRtcp(pb), b);
  });

  it('reads the BYE (reason "Adjo", padded) + SDES and the APP packet, and re-serializes them', () => {
    const bye = load('baresip-bye-sdes.bin');
    const pBye = parseRtcp(bye, bye.length)!;
    assert.deepEqual(pBye, [{ type: 'bye', ssrcs: [0x32d02ddd], reason: 'Adjo' }, CNAME]);
    assert.deepEqual(serializeRtcp(pBye), bye);
    const app = load('baresip-app-pingpong.bin');
    const pApp = parseRtcp(app, app.length)!;
    assert.equal(pApp.length, 1);
    assert.equal(pApp[0]!.type === 'other' && pApp[0]!.packetType, 204);
    assert.equal(
      pApp[0]!.type === 'other' && Buffer.from(pApp[0]!.body.subarray(4)).toString('latin1'),
      'PINGPONG',
    );
    assert.deepEqual(serializeRtcp(pApp), app);
  });
});

describe('parseRtcp() on corrupted baresip packets (negative fixtures)', () => {
  const good = new Uint8Array(readFileSync(FIX + 'baresip-sr-sdes-1.bin'));
  const parse = (f: (b: Uint8Array) => void, len = good.length) => {
    const b = good.slice();
    f(b);
    return parseRtcp(b, len);
  };
  it('the unmodified compound parses', () => assert.equal(parse(() => {})?.length, 2));
  it('SR length one word too long → null', () =>
    assert.equal(
      parse((b) => (b[3] = b[3]! + 1)),
      null,
    ));
  it('SR length one word too short → null (the rest is no valid packet)', () =>
    assert.equal(
      parse((b) => (b[3] = b[3]! - 1)),
      null,
    ));
  it('report count 2 with one block → null', () =>
    assert.equal(
      parse((b) => (b[0] = (b[0]! & 0xe0) | 2)),
      null,
    ));
  it('SDES item length past the chunk → null', () =>
    assert.equal(
      parse((b) => (b[61] = 0x40)),
      null,
    ));
  it('cut in the middle of SDES → null', () =>
    assert.equal(
      parse(() => {}, 70),
      null,
    ));
  it('version 1 in the second packet → null', () =>
    assert.equal(
      parse((b) => (b[52] = 0x41)),
      null,
    ));
});

describe('serializeRtcp() builds SR + SDES + BYE byte-exactly', () => {
  const packets: RtcpPacket[] = [
    {
      type: 'sr',
      ssrc: 0x11223344,
      sender: {
        ntpSec: 0xe8a1b2c3,
        ntpFrac: 0x80000000,
        rtpTimestamp: 160000,
        packetCount: 1000,
        octetCount: 160000,
      },
      reports: [
        {
          ssrc: 0xaabbccdd,
          fractionLost: 25,
          cumulativeLost: -5,
          highestSeq: 0x1ffff,
          jitter: 80,
          lsr: 0,
          dlsr: 0,
        },
      ],
    },
    { type: 'sdes', chunks: [{ ssrc: 0x11223344, items: [{ type: 1, text: 'swb@h' }] }] },
    { type: 'bye', ssrcs: [0x11223344], reason: 'bye' },
  ];
  const expected = hex(`
    81 c8 000c 11223344 e8a1b2c3 80000000 00027100 000003e8 00027100
      aabbccdd 19fffffb 0001ffff 00000050 00000000 00000000
    81 ca 0003 11223344 01 05 7377624068 00
    81 cb 0002 11223344 03 627965`);

  it('writes the expected bytes (signed cumulative lost, SDES END + padding, BYE reason)', () => {
    assert.deepEqual(serializeRtcp(packets), expected);
  });

  it('parses them back to the same objects', () => {
    assert.deepEqual(parseRtcp(expected, expected.length), packets);
  });

  it('handles trailing padding in the last packet', () => {
    // RR with no blocks, P bit set, 4 bytes of padding (…0004)
    const padded = hex('a0 c9 0002 01020304 00000004');
    assert.deepEqual(parseRtcp(padded, padded.length), [{ type: 'rr', ssrc: 0x01020304, reports: [] }]);
  });
});

describe('parseRtcp() returns null for malformed input', () => {
  const negatives: Array<[string, string]> = [
    ['3 bytes', '80 c9 00'],
    ['version 1', '40 c9 0001 01020304'],
    ['length past the end', '80 c9 0002 01020304'],
    ['trailing bytes that are no packet', '80 c9 0001 01020304 00'],
    ['RR count past the end', '81 c9 0001 01020304'],
    ['SR too short for sender info', '80 c8 0001 01020304'],
    ['padding in a non-last packet', 'a0 c9 0001 01020304 80 c9 0001 01020304'],
    ['padding count 0', 'a0 c9 0002 01020304 00000000'],
    ['padding larger than the packet', 'a0 c9 0002 01020304 000000ff'],
    ['SDES item past the end', '81 ca 0002 01020304 01 09 6162'],
    ['SDES chunk without END', '81 ca 0002 01020304 01 02 6162'],
    ['BYE reason past the end', '81 cb 0002 01020304 09 616200'],
    ['BYE count past the end', '82 cb 0001 01020304'],
  ];
  for (const [name, h] of negatives) {
    it(`null for ${name}`, () => {
      const b = hex(h);
      assert.equal(parseRtcp(b, b.length), null);
    });
  }
});

describe('RTCP helpers', () => {
  it('isRtcp() separates RTCP from RTP on a muxed port (RFC 5761)', () => {
    assert.equal(isRtcp(hex('80 c8 0006'), 3), false); // too short
    assert.equal(isRtcp(hex('80 c8 0006 00'), 4), true);
    assert.equal(isRtcp(hex('81 cb 0001 00'), 4), true);
    assert.equal(isRtcp(hex('80 08 0001 00'), 4), false); // PCMA
    assert.equal(isRtcp(hex('80 e5 0001 00'), 4), false); // PT 101 with marker = 229
    assert.equal(isRtcp(hex('00 c8 0001 00'), 4), false); // not version 2
  });

  it('msToNtp()/ntpMiddle() convert Unix ms to NTP', () => {
    const n = msToNtp(1_000_500); // 1000.5 s after 1970
    assert.equal(n.sec, 2208988800 + 1000);
    assert.equal(n.frac, 0x80000000);
    assert.equal(ntpMiddle(0x1234abcd, 0x56789abc), 0xabcd5678);
  });

  it('roundTripMs() computes A − LSR − DLSR (RFC 3550 §6.4.1)', () => {
    const srSentMs = 1_700_000_000_000;
    const n = msToNtp(srSentMs);
    const lsr = ntpMiddle(n.sec, n.frac);
    // peer held the SR 250 ms, reply arrives 330 ms after we sent it → RTT 80 ms
    const rtt = roundTripMs(srSentMs + 330, lsr, 0.25 * 65536)!;
    assert.ok(Math.abs(rtt - 80) < 0.1, String(rtt));
    assert.equal(roundTripMs(srSentMs, 0, 0), null);
  });
});
