import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MediaEventMap } from '../../../src/media/media-types.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { parseRtcp, type RtcpPacket, serializeRtcp } from '../../../src/media/rtp/rtcp.js';
import { RtpPeer, waitFor } from './rtp-peer.js';

describe('media plane: RTCP reports and no-RTP timeout', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42500,
      rtpPortMax: 42579,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
      rtcpIntervalMs: 300,
      noRtpTimeoutMs: 400,
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends SR + report block on RTP port + 1, reads the peer RR, and reports loss and jitter', async () => {
    const peer = await RtpPeer.open(42590);
    const rtcp = dgram.createSocket('udp4');
    await new Promise<void>((r) => rtcp.bind(42591, '127.0.0.1', () => r()));
    const reports: RtcpPacket[][] = [];
    rtcp.on('message', (b) => {
      const p = parseRtcp(b, b.length);
      if (p) reports.push(p);
    });
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    const statsEvents: MediaEventMap['rtcp-stats'][] = [];
    a.on('rtcp-stats', (s) => statsEvents.push(s));
    try {
      await a.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: 9, codec: 'PCMU' }); // discard port
      await plane.bridge(b, a); // a sends what b receives (nothing) — it only reports
      // 40 packets with every 10th missing: 4 of 40 lost
      for (let i = 0; i < 40; i++) {
        const pkt = peer.tonePacket(1000, 'PCMU');
        if (i % 10 !== 3) peer.send(pkt, a.rtpPort);
        await new Promise((r) => setTimeout(r, 20));
      }
      // the peer tells us about our (empty) stream: 25 % lost, jitter 80 units = 10 ms
      const rr = serializeRtcp([
        {
          type: 'rr',
          ssrc: peer.ssrc,
          reports: [
            {
              ssrc: a.ssrc,
              fractionLost: 64,
              cumulativeLost: 7,
              highestSeq: 100,
              jitter: 80,
              lsr: 0,
              dlsr: 0,
            },
          ],
        },
      ]);
      rtcp.send(rr, a.rtcpPort, '127.0.0.1');
      await waitFor(
        () => reports.some((r) => r.some((p) => p.type === 'rr' || p.type === 'sr')),
        3000,
        'RTCP',
      );
      await waitFor(() => statsEvents.length >= 1, 3000, 'rtcp-stats event');

      const withBlock = reports
        .flat()
        .find((p) => (p.type === 'rr' || p.type === 'sr') && p.reports.length > 0);
      assert.ok(withBlock && (withBlock.type === 'rr' || withBlock.type === 'sr'));
      assert.equal(withBlock.ssrc, a.ssrc);
      assert.equal(withBlock.reports[0]!.ssrc, peer.ssrc);
      assert.ok(
        reports.every((r) => r.some((p) => p.type === 'sdes')),
        'compound with SDES CNAME',
      );

      let s = await a.stats();
      for (let i = 0; i < 100 && s.counters.rtcpIn === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        s = await a.stats();
      }
      assert.equal(s.quality.packetsReceived, 36);
      assert.equal(s.quality.packetsLost, 4);
      assert.equal(s.quality.lossFraction, 0.1);
      assert.equal(s.quality.remote?.fractionLost, 0.25);
      assert.equal(s.quality.remote?.cumulativeLost, 7);
      assert.equal(s.quality.remote?.jitterMs, 10);
      assert.ok(s.quality.jitterMs < 20);
      assert.equal(s.counters.rtcpIn, 1);
    } finally {
      await Promise.all([
        a.close(),
        b.close(),
        peer.close(),
        new Promise<void>((r) => rtcp.close(() => r())),
      ]);
    }
  });

  it("raises 'endpoint-timeout' once when RTP stops, and again only after it resumed", async () => {
    const peer = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const timeouts: MediaEventMap['endpoint-timeout'][] = [];
    a.on('endpoint-timeout', (t) => timeouts.push(t));
    try {
      await a.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU' });
      await peer.sendTone(1000, 10, a.rtpPort);
      await waitFor(() => timeouts.length === 1, 3000, 'timeout');
      assert.ok(timeouts[0]!.silentMs >= 400);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(timeouts.length, 1, 'once per silence');
      await peer.sendTone(1000, 5, a.rtpPort);
      await waitFor(() => timeouts.length === 2, 3000, 'second timeout');
    } finally {
      await Promise.all([a.close(), peer.close()]);
    }
  });
});
