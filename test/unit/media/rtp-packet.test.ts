import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createRtpHeader,
  RTP_HEADER_SIZE,
  readRtpHeader,
  restampRtp,
  writeRtpHeader,
} from '../../../src/media/rtp/rtp-packet.js';
import { udpPayloadsFromPcap } from './pcap-util.js';

const FIX = new URL('../../fixtures/rtp/', import.meta.url).pathname;

function reserialize(pkt: Uint8Array): Uint8Array {
  const h = createRtpHeader();
  assert.equal(readRtpHeader(pkt, pkt.length, h), true);
  const out = new Uint8Array(pkt.length);
  assert.equal(writeRtpHeader(out, h), RTP_HEADER_SIZE);
  out.set(pkt.subarray(h.headerLength), h.headerLength);
  return out;
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

describe('readRtpHeader() / writeRtpHeader() on SIPp captures', () => {
  it('parses g711a-first10.pcap (PCMA) and re-serializes every packet to the same bytes', () => {
    const pkts = udpPayloadsFromPcap(FIX + 'g711a-first10.pcap');
    assert.equal(pkts.length, 10);
    const h = createRtpHeader();
    pkts.forEach((p, i) => {
      assert.equal(readRtpHeader(p, p.length, h), true);
      assert.equal(h.version, 2);
      assert.equal(h.payloadType, 8);
      assert.equal(h.marker, i === 0);
      assert.equal(h.sequence, 0xe6fd + i);
      assert.equal(h.timestamp, 0xf0 * (i + 1)); // 30 ms packets
      assert.equal(h.headerLength, 12);
      assert.equal(h.payloadLength, 240);
      assert.deepEqual(reserialize(p), p);
    });
  });

  for (const [file, event] of [
    ['dtmf_2833_1.pcap', 1],
    ['dtmf_2833_pound.pcap', 11],
  ] as const) {
    it(`parses ${file} (telephone-event PT 101) and re-serializes to the same bytes`, () => {
      const pkts = udpPayloadsFromPcap(FIX + file);
      assert.equal(pkts.length, 10);
      const h = createRtpHeader();
      pkts.forEach((p, i) => {
        assert.equal(readRtpHeader(p, p.length, h), true);
        assert.equal(h.payloadType, 101);
        assert.equal(h.marker, i === 0);
        assert.equal(h.ssrc, 0x0e05384e);
        assert.equal(h.payloadLength, 4);
        assert.equal(p[h.headerLength], event);
        assert.deepEqual(reserialize(p), p);
      });
    });
  }
});

describe('readRtpHeader() on corrupted SIPp packets (negative fixtures)', () => {
  const good = udpPayloadsFromPcap(FIX + 'g711a-first10.pcap')[1]!; // 252 bytes, PT 8, no marker
  const mutate = (f: (b: Uint8Array) => void, len = good.length) => {
    const b = good.slice();
    f(b);
    return readRtpHeader(b, len, createRtpHeader());
  };

  it('the unmodified packet parses', () =>
    assert.equal(
      mutate(() => {}),
      true,
    ));
  it('truncated to 11 bytes → false', () =>
    assert.equal(
      mutate(() => {}, 11),
      false,
    ));
  it('version set to 1 → false', () =>
    assert.equal(
      mutate((b) => (b[0] = (b[0]! & 0x3f) | 0x40)),
      false,
    ));
  it('CC = 15 still fits (72 bytes of CSRC) → true, payload shrinks accordingly', () => {
    const b = good.slice();
    b[0] = b[0]! | 0x0f;
    const h = createRtpHeader();
    assert.equal(readRtpHeader(b, b.length, h), true);
    assert.equal(h.payloadLength, 252 - 12 - 60);
  });
  it('CC = 15 on a 60-byte cut → false', () =>
    assert.equal(
      mutate((b) => (b[0] = b[0]! | 0x0f), 60),
      false,
    ));
  it('X bit set: the extension length comes from audio bytes (0xd5d5 words) → false', () =>
    assert.equal(
      mutate((b) => (b[0] = b[0]! | 0x10)),
      false,
    ));
  it('P bit set with a last byte larger than the payload → false', () =>
    assert.equal(
      mutate((b) => {
        b[0] = b[0]! | 0x20;
        b[b.length - 1] = 241;
      }),
      false,
    ));
  it('P bit set with a plausible count → true, payload shortened', () => {
    const b = good.slice();
    b[0] = b[0]! | 0x20;
    b[b.length - 1] = 4;
    const h = createRtpHeader();
    assert.equal(readRtpHeader(b, b.length, h), true);
    assert.equal(h.payloadLength, 236);
  });
});

describe('readRtpHeader() lengths', () => {
  // V=2 P=1 X=1 CC=2, M=1 PT=0, seq 0x1234, ts 0xdeadbeef, ssrc 0x01020304,
  // 2 CSRCs, extension profile 0xbede length 1, payload 3 bytes, padding 4 (…0004)
  const full = hex(`b2 80 1234 deadbeef 01020304  aaaaaaaa bbbbbbbb  bede 0001 11223344
                   010203  000000 04`);

  it('accounts for CSRC, extension and padding', () => {
    const h = createRtpHeader();
    assert.equal(readRtpHeader(full, full.length, h), true);
    assert.deepEqual(
      { ...h },
      {
        version: 2,
        padding: true,
        extension: true,
        marker: true,
        payloadType: 0,
        sequence: 0x1234,
        timestamp: 0xdeadbeef,
        ssrc: 0x01020304,
        csrcCount: 2,
        headerLength: 12 + 8 + 8,
        payloadLength: 3,
      },
    );
  });

  it('honours len smaller than the buffer (pooled receive buffers)', () => {
    const pool = new Uint8Array(1500);
    pool.set(full);
    const h = createRtpHeader();
    assert.equal(readRtpHeader(pool, full.length, h), true);
    assert.equal(h.payloadLength, 3);
  });

  const negatives: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['11 bytes', full.subarray(0, 11)],
    ['version 1', hex('40 00 0001 00000001 00000001')],
    ['version 3', hex('c0 00 0001 00000001 00000001')],
    ['CSRC count past the end', hex('83 00 0001 00000001 00000001 aaaaaaaa bbbbbbbb')],
    ['extension header past the end', hex('90 00 0001 00000001 00000001 bede')],
    ['extension words past the end', hex('90 00 0001 00000001 00000001 bede 0002 11223344')],
    ['padding with no payload', hex('a0 00 0001 00000001 00000001')],
    ['padding count 0', hex('a0 00 0001 00000001 00000001 0102 00')],
    ['padding longer than payload', hex('a0 00 0001 00000001 00000001 0102 04')],
    ['RTCP SR (PT 200 = M + 72)', hex('80 c8 0006 00000001 00000001')],
    ['RTCP BYE (PT 203)', hex('81 cb 0001 00000001')],
  ];
  for (const [name, buf] of negatives) {
    it(`returns false for ${name} and does not throw`, () => {
      const h = createRtpHeader();
      assert.equal(readRtpHeader(buf, buf.length, h), false);
    });
  }

  it('returns false when len exceeds the buffer but the buffer itself is too short', () => {
    assert.equal(readRtpHeader(new Uint8Array(5), 100, createRtpHeader()), false);
  });
});

describe('writeRtpHeader()', () => {
  it('masks fields and returns 0 for a short buffer', () => {
    const b = new Uint8Array(12);
    assert.equal(
      writeRtpHeader(b, {
        marker: false,
        payloadType: 0x1ff,
        sequence: 0x12345,
        timestamp: -1,
        ssrc: 2 ** 32 + 5,
      }),
      12,
    );
    assert.deepEqual(b, hex('80 7f 2345 ffffffff 00000005'));
    assert.equal(
      writeRtpHeader(new Uint8Array(11), {
        marker: true,
        payloadType: 0,
        sequence: 0,
        timestamp: 0,
        ssrc: 0,
      }),
      0,
    );
  });

  it('restampRtp() rewrites sequence, timestamp and SSRC only', () => {
    const p = hex('80 88 0001 00000002 00000003 d5d5');
    restampRtp(p, 0xfffe, 0x80000000, 0xcafebabe);
    assert.deepEqual(p, hex('80 88 fffe 80000000 cafebabe d5d5'));
  });
});
