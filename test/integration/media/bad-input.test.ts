import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { until } from '../../support/wait-for.js';
import { RtpPeer, toneRatio, waitFor } from './rtp-peer.js';

describe('media plane: bad input on media ports', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42300,
      rtpPortMax: 42399,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drops and counts garbage, oversized, wrong-PT, early, foreign-source and wrong-SSRC packets', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const intruder = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      // before setRemote on a: nothing latches, nothing is relayed
      for (let i = 0; i < 3; i++) intruder.send(intruder.tonePacket(300, 'PCMU'), a.rtpPort);
      // proving an absence: the intruder's datagrams get their chance to latch (they must not)
      const NO_LATCH_WINDOW_MS = 100;
      await new Promise((r) => setTimeout(r, NO_LATCH_WINDOW_MS));
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU', telephoneEventPt: 101 });

      caller.send(Buffer.from('hello, this is not RTP at all'), a.rtpPort); // version 1 → malformed
      caller.send(Buffer.alloc(5), a.rtpPort); // truncated
      const big = Buffer.alloc(1600);
      big[0] = 0x80;
      caller.send(big, a.rtpPort); // oversized
      caller.send(caller.tonePacket(1000, 'PCMU', 8000, 18), a.rtpPort); // G.729 PT: not negotiated
      // the four bad datagrams are counted (so none of them can latch) before the first valid one
      await until('the bad datagrams counted', async () => {
        const c = (await a.stats()).counters;
        return c.droppedMalformed + c.droppedOversized + c.droppedWrongPt >= 4;
      });
      // the first valid packet latches the caller
      await caller.sendTone(1000, 10, a.rtpPort);
      // a second stream (other SSRC) from the latched source, interleaved with the current one
      const ssrc = caller.ssrc;
      for (let i = 0; i < 4; i++) {
        caller.ssrc = ssrc ^ 0x5555;
        caller.send(caller.tonePacket(700, 'PCMU'), a.rtpPort);
        caller.ssrc = ssrc;
        caller.send(caller.tonePacket(1000, 'PCMU'), a.rtpPort);
      }
      // an intruder after latching
      await intruder.sendTone(300, 10, a.rtpPort);
      await caller.sendTone(1000, 10, a.rtpPort);
      await waitFor(() => agent.received.length >= 24, 2000, 'relayed packets');
      // every datagram sent has been counted (the exact counts are asserted below)
      await until('the drops counted', async () => (await a.stats()).counters.droppedWrongSsrc >= 4);

      const s = await a.stats();
      assert.equal(s.counters.droppedMalformed, 2);
      assert.equal(s.counters.droppedOversized, 1);
      assert.equal(s.counters.droppedWrongPt, 1);
      assert.equal(s.counters.droppedWrongSsrc, 4);
      // 3 early packets; the intruder's later packets are either counted here or filtered by the
      // kernel once the socket is connected to the latched source: never relayed either way
      assert.ok(s.counters.droppedWrongSource >= 3);
      assert.equal(s.counters.packetsIn, 24);
      assert.deepEqual(s.latched, { address: '127.0.0.1', port: caller.port });
      assert.equal(agent.received.length, 24, 'only the latched caller stream reaches the other leg');
      const heard = agent.decoded('PCMU');
      assert.ok(toneRatio(heard, 1000) > 0.8);
      assert.ok(toneRatio(heard, 300) < 0.01, 'no intruder audio');
      assert.ok(toneRatio(heard, 700) < 0.01, 'no wrong-SSRC audio');
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close(), intruder.close()]);
    }
  });

  it('re-latches after setRemote (re-INVITE to a new address)', async () => {
    const first = await RtpPeer.open();
    const second = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: first.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      await first.sendTone(1000, 5, a.rtpPort);
      await agent.sendTone(440, 5, b.rtpPort);
      await waitFor(() => first.received.length >= 5, 2000, 'to first');
      await a.setRemote({ address: '127.0.0.1', port: second.port, codec: 'PCMU' });
      await second.sendTone(1000, 5, a.rtpPort);
      await agent.sendTone(440, 5, b.rtpPort);
      await waitFor(() => second.received.length >= 5 && agent.received.length >= 10, 2000, 'to second');
      assert.equal(first.received.length, 5, 'nothing more to the old address');
      assert.deepEqual((await a.stats()).latched, { address: '127.0.0.1', port: second.port });
    } finally {
      await Promise.all([a.close(), b.close(), first.close(), second.close(), agent.close()]);
    }
  });
  it('follows a new SSRC from the latched source once the old stream went quiet', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      await caller.sendTone(1000, 5, a.rtpPort);
      await new Promise((r) => setTimeout(r, 250));
      caller.ssrc = (caller.ssrc + 1) >>> 0;
      caller.seq = 7;
      await caller.sendTone(1000, 5, a.rtpPort);
      await waitFor(() => agent.received.length >= 10, 2000, 'both streams relayed');
      const s = await a.stats();
      assert.equal(s.ssrcIn, caller.ssrc);
      assert.equal(s.counters.droppedWrongSsrc, 0);
      const r = agent.received;
      assert.ok(
        r.every((p) => p.ssrc === b.ssrc),
        'the agent sees one stream',
      );
      assert.equal(r[5]!.seq, (r[4]!.seq + 1) & 0xffff, 'sequence continues across the switch');
      assert.equal(r[5]!.marker, true);
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close()]);
    }
  });

  it('re-latches to the new peer after quick re-INVITEs, ignoring late packets from the old one', async () => {
    const peers = [await RtpPeer.open(), await RtpPeer.open()];
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      for (let round = 0; round < 6; round++) {
        const peer = peers[round % 2]!;
        const setRemote = a.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU' });
        await setRemote;
        // this packet may arrive after the next re-INVITE (a late packet from the old peer) and
        // may race the connect() its latching starts
        peer.send(peer.tonePacket(1000, 'PCMU'), a.rtpPort);
        if (round < 5) continue;
        await peer.sendTone(1000, 5, a.rtpPort);
      }
      const last = peers[1]!;
      const before = last.received.length;
      await agent.sendTone(440, 10, b.rtpPort);
      await waitFor(() => last.received.length >= before + 10, 2000, 'agent audio to the last latched peer');
      assert.deepEqual((await a.stats()).latched, { address: '127.0.0.1', port: last.port });
    } finally {
      await Promise.all([a.close(), b.close(), agent.close(), ...peers.map((p) => p.close())]);
    }
  });
});
