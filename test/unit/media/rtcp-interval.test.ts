import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  rtcpDeterministicInterval,
  rtcpIntervalMs,
  updateAvgRtcpSize,
} from '../../../src/media/rtp/rtcp-interval.js';

const base = {
  members: 2,
  senders: 2,
  rtcpBwBytesPerSec: 500,
  weSent: true,
  avgRtcpSize: 128,
  initial: false,
};

describe('RTCP interval (RFC 3550 A.7)', () => {
  it('a two-party G.711 call uses the 5 s minimum (2.5 s before the first report)', () => {
    assert.equal(rtcpDeterministicInterval(base), 5);
    assert.equal(rtcpDeterministicInterval({ ...base, initial: true }), 2.5);
  });

  it('randomises over [0.5, 1.5] × T and divides by e − 3/2', () => {
    const c = Math.E - 1.5;
    assert.ok(Math.abs(rtcpIntervalMs(base, () => 0) - (2.5 / c) * 1000) < 1e-6);
    assert.ok(Math.abs(rtcpIntervalMs(base, () => 0.5) - (5 / c) * 1000) < 1e-6);
    assert.ok(Math.abs(rtcpIntervalMs(base, () => 0.999999) - (7.5 / c) * 1000) < 0.01);
  });

  it('large sessions scale with membership; senders share 25 % when they are few', () => {
    // 1000 receivers, 1 sender (us): we get 25 % of the RTCP bandwidth shared by 1 sender
    const conf = {
      members: 1000,
      senders: 1,
      rtcpBwBytesPerSec: 500,
      weSent: true,
      avgRtcpSize: 100,
      initial: false,
    };
    assert.equal(rtcpDeterministicInterval(conf), 5); // 100 × 1 / 125 = 0.8 s → minimum
    // as a receiver: 999 receivers share 75 %: 100 × 999 / 375 = 266.4 s
    assert.ok(Math.abs(rtcpDeterministicInterval({ ...conf, weSent: false }) - 266.4) < 1e-9);
    // many senders (> 25 %): everyone shares the whole bandwidth: 100 × 1000 / 500 = 200 s
    assert.equal(rtcpDeterministicInterval({ ...conf, senders: 600 }), 200);
  });

  it('averages the RTCP packet size with weight 1/16', () => {
    assert.equal(updateAvgRtcpSize(100, 260), 110);
  });

  it('survives zero bandwidth or members without NaN', () => {
    assert.equal(rtcpDeterministicInterval({ ...base, rtcpBwBytesPerSec: 0 }), 5);
    assert.ok(Number.isFinite(rtcpIntervalMs({ ...base, members: 0, senders: 0 }, () => 0.5)));
  });
});
