import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from './rtp-peer.js';

/**
 * A host with several addresses: the plane binds the wildcard and announces 127.0.0.2 (the
 * server's "first non-loopback address" on a real host), the caller sends from 127.0.0.1 to
 * 127.0.0.2. The route back to 127.0.0.1 leaves from 127.0.0.1, so a socket connect()ed to the
 * latched caller would take 127.0.0.1 as its local address and the kernel would drop everything
 * the caller keeps sending to 127.0.0.2 — on Linux loopback exactly as with a VPN or a second
 * interface. Before the fix the agent heard the first 200 ms (the latch confirmation) and nothing
 * after.
 */
const ANNOUNCED = '127.0.0.2';

async function sendToneTo(peer: RtpPeer, address: string, port: number, freq: number, count: number) {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    peer.socket.send(peer.tonePacket(freq, 'PCMU'), port, address);
    const due = start + (i + 1) * 20;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
}

describe('media plane: peer reaches the announced address, the route back leaves from another', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-multi-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 43400,
      rtpPortMax: 43599,
      recordingsDir: dir,
      publicAddress: ANNOUNCED,
      bindAddress: '0.0.0.0',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the agent hears the caller for the whole 3 s tone and the recording holds all of it', async () => {
    const caller = await RtpPeer.open(); // bound to 127.0.0.1
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      assert.equal(a.address, ANNOUNCED, 'the SDP address is the announced one');
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      const rec = await plane.record(a);
      await Promise.all([
        sendToneTo(caller, ANNOUNCED, a.rtpPort, 1000, 150),
        sendToneTo(agent, ANNOUNCED, b.rtpPort, 440, 150),
      ]);
      await waitFor(
        () => agent.received.length >= 148 && caller.received.length >= 148,
        2000,
        `relayed packets (agent ${agent.received.length}, caller ${caller.received.length})`,
      );
      const result = await rec.stop();

      const heard = agent.decoded('PCMU');
      assert.ok(
        toneDurationMs(heard, 1000) >= 2900,
        `agent heard 1 kHz for ${toneDurationMs(heard, 1000)} ms`,
      );
      assert.ok(toneRatio(caller.decoded('PCMU'), 440) > 0.8, 'caller hears the agent');
      const wav = await readWav(result.path);
      const ch0 = toneDurationMs(wav.data[0]!, 1000);
      const ch1 = toneDurationMs(wav.data[1]!, 440);
      assert.ok(ch0 >= 2900, `caller side recorded for ${ch0} ms`);
      assert.ok(ch1 >= 2900, `agent side recorded for ${ch1} ms`);

      const s = await a.stats();
      assert.equal(s.counters.packetsIn, 150);
      assert.equal(s.counters.connectDeclined, 1, 'the leg stayed unconnected on purpose');
      assert.deepEqual(s.latched, { address: '127.0.0.1', port: caller.port });
    } finally {
      await a.close();
      await b.close();
      await caller.close();
      await agent.close();
    }
  });

  it('still filters other senders once latched (in the endpoint instead of the kernel)', async () => {
    const caller = await RtpPeer.open();
    const intruder = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      await sendToneTo(caller, ANNOUNCED, a.rtpPort, 1000, 20); // 400 ms: past the confirmation
      await sendToneTo(intruder, ANNOUNCED, a.rtpPort, 440, 10);
      await sendToneTo(caller, ANNOUNCED, a.rtpPort, 1000, 5);
      await waitFor(() => agent.received.length >= 25, 2000, 'caller packets relayed');
      const s = await a.stats();
      assert.equal(s.counters.droppedWrongSource, 10);
      assert.equal(agent.received.length, 25);
      assert.ok(toneRatio(agent.decoded('PCMU'), 440) < 0.05, 'nothing of the intruder relayed');
    } finally {
      await a.close();
      await b.close();
      await caller.close();
      await intruder.close();
      await agent.close();
    }
  });

  it('a leg bound where it announces connects as before (nothing to decline)', async () => {
    const local = await createMediaPlane({
      workers: 1,
      rtpPortMin: 43600,
      rtpPortMax: 43699,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
      bindAddress: '0.0.0.0',
    });
    const caller = await RtpPeer.open();
    const intruder = await RtpPeer.open();
    const a = await local.createEndpoint();
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await caller.sendTone(1000, 20, a.rtpPort);
      await intruder.sendTone(440, 5, a.rtpPort);
      await caller.sendTone(1000, 5, a.rtpPort);
      let s = await a.stats();
      for (const end = performance.now() + 2000; s.counters.packetsIn < 25 && performance.now() < end; ) {
        await new Promise((r) => setTimeout(r, 10));
        s = await a.stats();
      }
      assert.equal(s.counters.packetsIn, 25);
      assert.equal(s.counters.connectDeclined, 0);
      // connected: the kernel itself filters the intruder, the endpoint never sees it
      assert.equal(s.counters.droppedWrongSource, 0);
    } finally {
      await a.close();
      await caller.close();
      await intruder.close();
      await local.close();
    }
  });
});
